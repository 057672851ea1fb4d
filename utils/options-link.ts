/** The options page's path, at one connection's card when an id is given (the page reads the hash). */
export function optionsPath(connectionId?: string): `/options.html${string}` {
  return connectionId === undefined
    ? '/options.html'
    : `/options.html#connections/${encodeURIComponent(connectionId)}`;
}
