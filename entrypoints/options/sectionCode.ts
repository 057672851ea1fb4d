import { useEffect, useState } from 'preact/hooks';
import type { Section } from './sections';

/**
 * Each section's code, loaded when the section is first shown: the page starts with only its frame and
 * the section it opens on (docs/architecture.md#page-start).
 */
const LOADERS = {
  connections: () => import('./ConnectionsSection'),
  // Its three modules are fetched side by side, not one after another.
  settings: async () => {
    const [settings, security, removeAll] = await Promise.all([
      import('./SettingsSection'),
      import('./SecuritySection'),
      import('./RemoveAllData'),
    ]);
    return { ...settings, ...security, ...removeAll };
  },
  history: () => import('./HistorySection'),
  health: () => import('./HealthSection'),
} satisfies Record<Section, () => Promise<object>>;

/** What each section's code exports. */
export type SectionCode = { [S in Section]: Awaited<ReturnType<(typeof LOADERS)[S]>> };

const loaded: Partial<SectionCode> = {};
const loading = new Map<Section, Promise<void>>();

/** Loads a section's code (once); the page calls it for its first section before its first render. */
export function loadSection(section: Section): Promise<void> {
  let pending = loading.get(section);
  if (!pending) {
    pending = (async () => {
      (loaded as Record<Section, unknown>)[section] = await LOADERS[section]();
    })();
    // A failed load may be retried by the next visit.
    pending.catch(() => loading.delete(section));
    loading.set(section, pending);
  }
  return pending;
}

/** Every section's code (tests, which render sections without waiting for them). */
export async function loadAllSections(): Promise<void> {
  await Promise.all((Object.keys(LOADERS) as Section[]).map(loadSection));
}

/**
 * The section code loaded so far; the caller re-renders when `section`'s arrives (it is asked for here if
 * nobody has yet).
 */
export function useSectionCode(section: Section | null): Readonly<Partial<SectionCode>> {
  const [, arrived] = useState(0);
  useEffect(() => {
    if (section === null || loaded[section]) return;
    let active = true;
    loadSection(section).then(
      () => active && arrived((n) => n + 1),
      () => undefined,
    );
    return () => {
      active = false;
    };
  }, [section]);
  return loaded;
}
