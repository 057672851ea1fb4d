// Unit tests have no browser to read `_locales` from: they read the English catalog file itself,
// with Chrome's substitution rules, so components render the same words as in the extension.
import messages from '@/public/_locales/en/messages.json';
import { setMessageLookup, type MessageLookup } from '@/components/i18n';

interface Entry {
  message: string;
  placeholders?: Record<string, { content: string }>;
}

const catalog = messages as Record<string, Entry>;

/** `$1`…`$9` from the substitutions, `$NAME$` from the entry's placeholders, `$$` as a dollar. */
export const englishLookup: MessageLookup = (key, substitutions) => {
  const entry = catalog[key];
  if (!entry) return '';
  const positional = (text: string) =>
    text.replace(/\$(\$|[1-9])/g, (_, which: string) =>
      which === '$' ? '$' : (substitutions[Number(which) - 1] ?? ''),
    );
  const named = entry.message.replace(/\$([A-Za-z0-9_]+)\$/g, (whole, name: string) => {
    const placeholder = entry.placeholders?.[name.toLowerCase()];
    return placeholder ? positional(placeholder.content) : whole;
  });
  return positional(named);
};

setMessageLookup(englishLookup);
