// How the worker turns a thrown value into text. Logs get the name only (an error's message may carry a
// token or an address, R7); a message shown to the person goes through `redact` at the caller.

/** The error's class name (or the thrown value's type): safe to log. */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

/** The error's message (or the thrown value as text); redact it before it leaves the worker. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
