import type catalog from '../public/_locales/en/messages.json';

/** The name of a message in `public/_locales/<locale>/messages.json`; a typo is a type error. */
export type MessageKey = keyof typeof catalog;

/** Looks a message up with its `$1`…`$9` substitutions; '' when it does not exist (as `i18n.getMessage`). */
export type MessageLookup = (key: string, substitutions: string[]) => string;
