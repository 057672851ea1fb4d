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
 * Messages without substitutions, once looked up: the popup's fifty cards ask for the same dozen labels
 * hundreds of times in their first frame, and each lookup crosses into the browser's bindings.
 */
const plain = new Map<string, string>();

/** Swaps where messages come from: unit tests read the catalog file, as there is no browser. */
export function setMessageLookup(next: MessageLookup): void {
  lookup = next;
  plain.clear();
}

/** A user-visible string in the browser's language, e.g. `t('summaryAllHealthy', 3)`. */
export function t(key: MessageKey, ...substitutions: (string | number)[]): string {
  if (substitutions.length === 0) {
    let text = plain.get(key);
    if (text === undefined) {
      text = lookupOrKey(key, []);
      plain.set(key, text);
    }
    return text;
  }
  return lookupOrKey(key, substitutions.map(String));
}

function lookupOrKey(key: string, substitutions: string[]): string {
  // A missing message shows its key rather than nothing, so it is noticed instead of hidden.
  return lookup(key, substitutions) || key;
}
