// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/preact';
import { render as renderWithoutAct } from 'preact';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StatusSnapshot } from '@/utils/model';
import { UNREACHABLE_RETRY_MS, useStatus } from '@/components/useStatus';
import type { StatusListener, WorkerClient } from '@/components/workerClient';
import { deferred, makeConnection, makeSnapshot, NOW, settle } from './fixtures';

type StatusClient = Pick<WorkerClient, 'getStatus' | 'subscribeToStatus'>;

/** A client whose getStatus reply and broadcasts the test controls. */
function fakeClient(getStatus: () => Promise<StatusSnapshot>) {
  const listeners = new Set<StatusListener>();
  const client: StatusClient = {
    getStatus,
    subscribeToStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const broadcast = (snapshot: StatusSnapshot) => {
    for (const listener of listeners) listener(snapshot);
  };
  return { client, listeners, broadcast };
}

/** Shows what the hook returns as text. */
function Probe({ client, initial }: { client: StatusClient; initial?: StatusSnapshot }) {
  const { snapshot, error, clock } = useStatus(client, initial);
  return (
    <p data-testid="probe">
      {error ??
        (snapshot
          ? `${snapshot.connections.map((c) => `${c.label}:${c.state}`).join(',')} @${clock() - Date.now()}`
          : 'loading')}
    </p>
  );
}

describe('useStatus', () => {
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('loads the snapshot from getStatus', async () => {
    const { client } = fakeClient(() =>
      Promise.resolve(makeSnapshot([makeConnection()], Date.now())),
    );

    render(<Probe client={client} />);
    await settle();

    expect(screen.getByTestId('probe').textContent).toBe('Demo:healthy @0');
  });

  it('asks for the status as the first render is committed, not a frame later', () => {
    const getStatus = vi.fn(() => Promise.resolve(makeSnapshot([])));
    const { client } = fakeClient(getStatus);
    const host = document.createElement('div');

    // Preact's own render, outside act(): plain effects would wait for an animation frame here.
    renderWithoutAct(<Probe client={client} />, host);
    const asked = getStatus.mock.calls.length;
    renderWithoutAct(null, host);

    expect(asked).toBe(1);
  });

  it('follows statusChanged broadcasts', async () => {
    const { client, broadcast } = fakeClient(() =>
      Promise.resolve(makeSnapshot([makeConnection()], Date.now())),
    );
    render(<Probe client={client} />);
    await settle();

    act(() => broadcast(makeSnapshot([makeConnection({ state: 'retrying' })], Date.now() + 1)));

    expect(screen.getByTestId('probe').textContent).toBe('Demo:retrying @0');
  });

  it('keeps a newer broadcast when an older getStatus reply arrives after it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const reply = deferred<StatusSnapshot>();
    const { client, broadcast } = fakeClient(() => reply.promise);
    render(<Probe client={client} />);

    act(() => broadcast(makeSnapshot([makeConnection({ state: 'refreshing' })], NOW + 10)));
    reply.resolve(makeSnapshot([makeConnection()], NOW));
    await settle();

    expect(screen.getByTestId('probe').textContent).toBe('Demo:refreshing @0');
  });

  it("reads time on the worker's clock when the two clocks differ", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const { client } = fakeClient(() =>
      Promise.resolve(makeSnapshot([makeConnection()], NOW + 5_000)),
    );

    render(<Probe client={client} />);
    await settle();

    expect(screen.getByTestId('probe').textContent).toBe('Demo:healthy @5000');
  });

  it('draws a mirrored snapshot at once, without its clock, until the worker answers', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const reply = deferred<StatusSnapshot>();
    const { client } = fakeClient(() => reply.promise);
    const mirrored = makeSnapshot([makeConnection({ state: 'retrying' })], NOW - 60_000);

    render(<Probe client={client} initial={mirrored} />);
    const first = screen.getByTestId('probe').textContent;
    reply.resolve(makeSnapshot([makeConnection()], NOW + 5_000));
    await settle();

    // The mirror's `now` is when it was taken, not the worker's clock now: no offset from it.
    expect(first).toBe('Demo:retrying @0');
    expect(screen.getByTestId('probe').textContent).toBe('Demo:healthy @5000');
  });

  it('keeps a mirrored snapshot newer than a late getStatus reply', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(NOW);
    const { client } = fakeClient(() => Promise.resolve(makeSnapshot([makeConnection()], NOW)));
    const mirrored = makeSnapshot([makeConnection({ state: 'refreshing' })], NOW + 10);

    render(<Probe client={client} initial={mirrored} />);
    await settle();

    expect(screen.getByTestId('probe').textContent).toBe('Demo:refreshing @0');
  });

  it('says why when the worker cannot be reached, after asking again a few times', async () => {
    vi.useFakeTimers();
    try {
      const getStatus = vi.fn(() => Promise.reject(new Error('Could not establish connection.')));
      const { client } = fakeClient(getStatus);

      render(<Probe client={client} />);
      await act(async () => void (await vi.advanceTimersByTimeAsync(UNREACHABLE_RETRY_MS[0]! / 2)));
      const shownAtFirst = screen.getByTestId('probe').textContent;
      await act(async () => void (await vi.advanceTimersByTimeAsync(5_000)));

      expect(shownAtFirst).toBe('loading');
      expect(getStatus).toHaveBeenCalledTimes(UNREACHABLE_RETRY_MS.length + 1);
      expect(screen.getByTestId('probe').textContent).toBe(
        "Couldn't reach Token Keeper's background worker: Could not establish connection.",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it('asks again when a worker being started or stopped did not answer (no error shown)', async () => {
    vi.useFakeTimers();
    try {
      let calls = 0;
      const { client } = fakeClient(() =>
        (calls += 1) === 1
          ? Promise.reject(
              new Error('Could not establish connection. Receiving end does not exist.'),
            )
          : Promise.resolve(makeSnapshot([makeConnection({ label: 'Jira' })])),
      );

      render(<Probe client={client} />);
      await act(async () => void (await vi.advanceTimersByTimeAsync(5_000)));

      expect(calls).toBe(2);
      expect(screen.getByTestId('probe').textContent).toMatch(/^Jira:healthy @/);
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the worker's own error at once, without asking again", async () => {
    const getStatus = vi.fn(() => Promise.reject(new Error('The database is busy.')));
    const { client } = fakeClient(getStatus);

    render(<Probe client={client} />);
    await settle();

    expect(getStatus).toHaveBeenCalledTimes(1);
    expect(screen.getByTestId('probe').textContent).toBe('The database is busy.');
  });

  it('unsubscribes when unmounted', async () => {
    const { client, listeners } = fakeClient(() => Promise.resolve(makeSnapshot([])));
    const { unmount } = render(<Probe client={client} />);

    unmount();
    await settle();

    expect(listeners.size).toBe(0);
  });
});
