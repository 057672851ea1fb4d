// What a connection's card and row share in their markup.

/**
 * The attributes of a connection's card or row: the options page's hash target, the heading that names it,
 * and what tests and the benchmark find it by.
 */
export function connectionElement(connection: { id: string; state: string }) {
  return {
    id: `connection-${connection.id}`,
    'data-connection-id': connection.id,
    'data-state': connection.state,
    'aria-labelledby': connectionTitleId(connection.id),
  };
}

/** The id of the heading that names a connection's card or row. */
export function connectionTitleId(connectionId: string): string {
  return `connection-${connectionId}-title`;
}
