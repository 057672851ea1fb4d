/** The options page's sections, in navigation order. */
export const SECTIONS = ['connections', 'settings', 'history', 'health'] as const;

/** One section of the options page. */
export type Section = (typeof SECTIONS)[number];

/** Where the page's hash points: a section, and a connection to bring into view (from the popup). */
export interface Route {
  section: Section;
  connectionId?: string;
}

/** Reads `#history`, `#connections/<id>` …; anything else is the connections section. */
export function parseRoute(hash: string): Route {
  const [head = '', ...rest] = hash.replace(/^#/, '').split('/');
  const section = (SECTIONS as readonly string[]).includes(head)
    ? (head as Section)
    : 'connections';
  const id = rest.join('/');
  if (section !== 'connections' || id === '') return { section };
  try {
    return { section, connectionId: decodeURIComponent(id) };
  } catch {
    return { section };
  }
}
