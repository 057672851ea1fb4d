import { afterEach, describe, expect, it } from 'vitest';
import {
  mirrorStatus,
  readMirroredStatus,
  startEarlyMirrorRead,
  STATUS_MIRROR_ITEM,
  takeMirroredStatus,
  type MirrorArea,
} from '@/utils/status-mirror';
import { makeConnection, makeSnapshot, NOW } from './components/fixtures';

/** An in-memory `storage.session` that counts its reads. */
function memoryArea(items: Record<string, unknown> = {}) {
  let reads = 0;
  const area: MirrorArea = {
    get: async (key) => {
      reads += 1;
      return Object.hasOwn(items, key) ? { [key]: structuredClone(items[key]) } : {};
    },
    set: async (next) => {
      Object.assign(items, structuredClone(next));
    },
  };
  return { area, items, reads: () => reads };
}

describe('status mirror', () => {
  afterEach(async () => {
    // No early read may leak into the next test.
    await takeMirroredStatus(memoryArea().area);
  });

  it('gives back the snapshot the worker mirrored', async () => {
    const { area } = memoryArea();
    const snapshot = makeSnapshot([makeConnection()], NOW);

    await mirrorStatus(area, snapshot);

    expect(await readMirroredStatus(area)).toEqual(snapshot);
  });

  it('reads nothing in a new browser session, from junk, or when storage fails', async () => {
    const failing: MirrorArea = {
      get: () => Promise.reject(new Error('No access')),
      set: async () => undefined,
    };

    const actual = [
      await readMirroredStatus(memoryArea().area),
      await readMirroredStatus(memoryArea({ [STATUS_MIRROR_ITEM]: '{"now":"soon"}' }).area),
      await readMirroredStatus(memoryArea({ [STATUS_MIRROR_ITEM]: '{"now":' }).area),
      await readMirroredStatus(
        memoryArea({ [STATUS_MIRROR_ITEM]: { now: 1, connections: [] } }).area,
      ),
      await readMirroredStatus(failing),
    ];

    expect(actual).toEqual([null, null, null, null, null]);
  });

  it('hands the early read to the page once, then reads afresh', async () => {
    const snapshot = makeSnapshot([makeConnection()], NOW);
    const early = memoryArea({ [STATUS_MIRROR_ITEM]: JSON.stringify(snapshot) });
    const later = memoryArea({ [STATUS_MIRROR_ITEM]: JSON.stringify(makeSnapshot([], NOW + 1)) });

    startEarlyMirrorRead(early.area);
    const first = await takeMirroredStatus(later.area);
    const second = await takeMirroredStatus(later.area);

    expect(first).toEqual(snapshot);
    expect(second?.now).toBe(NOW + 1);
    expect([early.reads(), later.reads()]).toEqual([1, 1]);
  });
});
