import { browser } from 'wxt/browser';
import type catalog from '@/public/_locales/en/messages.json';

/** The name of a message in `public/_locales/<locale>/messages.json`; a typo is a type error. */
export type MessageKey = keyof typeof catalog;

/** Looks a message up with its substitutions (`$1` … `$9`); returns '' when it does not exist. */
export type MessageLookup = (key: string, substitutions: string[]) => string;

// WXT types getMessage with the keys it last generated; `MessageKey` already checks ours.
const getMessage = (key: string, substitutions: string[]): string | undefined =>
  (browser.i18n.getMessage as (key: string, substitutions: string[]) => string)(key, substitutions);

let lookup: MessageLookup = (key, substitutions) => getMessage(key, substitutions) ?? '';

/**
 * Each message as looked up once, with a private-use marker for each of `$1` … `$9` that `t()` replaces:
 * fifty rows ask for the same labels, and fifty countdowns ("in 1:05") each second, and every lookup
 * crosses into the browser's bindings.
 */
const templates = new Map<string, string>();
const MARKERS = Array.from({ length: 9 }, (_, i) => String.fromCharCode(0xe000 + i));
const MARKER = /[\ue000-\ue008]/g;

/** Swaps where messages come from: unit tests read the catalog file, as there is no browser. */
export function setMessageLookup(next: MessageLookup): void {
  lookup = next;
  templates.clear();
}

/** A user-visible string in the browser's language, e.g. `t('summaryAllHealthy', 3)`. */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  let template = templates.get(key);
  if (template === undefined) {
    // A missing message shows its key rather than nothing, so it is noticed instead of hidden.
    template = lookup(key, MARKERS) || key;
    templates.set(key, template);
  }
  return template.replace(MARKER, (marker) =>
    String(substitutions[marker.charCodeAt(0) - 0xe000] ?? ''),
  );
}
