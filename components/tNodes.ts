import { Fragment, h, type ComponentChildren, type VNode } from 'preact';
import { t, type MessageKey } from './i18n';

// Private-use characters that no translation contains: they mark where each part goes.
const MARK = '\uE000';
const SLOT = new RegExp(`${MARK}(\\d)${MARK}`);

/**
 * A message whose `$1`…`$9` are elements (a link, a bold term, code), e.g.
 * `tNodes('issuerHint', <code>…</code>, <code>…</code>)`: translators move the parts, not the markup.
 */
export function tNodes(key: MessageKey, ...parts: ComponentChildren[]): VNode {
  const text = t(key, ...parts.map((_, index) => `${MARK}${index}${MARK}`));
  // split() with a capture group alternates text and slot numbers: even indices text, odd ones slots.
  const pieces = text
    .split(SLOT)
    .map((piece, index) => (index % 2 === 0 ? piece : parts[Number(piece)]));
  return h(Fragment, null, ...pieces);
}
