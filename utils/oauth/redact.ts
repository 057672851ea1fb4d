const CREDENTIAL_PARAM =
  /\b(access_token|refresh_token|id_token|client_secret|code|token)=([^&\s"']+)/gi;
/**
 * Long runs of token alphabet, dots and tildes included (JWTs, `a.b.c` and `~`-delimited opaque tokens,
 * base64url with `-`/`_`): redacted when they mix letters and digits, or are long mixed-case blobs.
 */
const LONG_RUN = /[A-Za-z0-9_\-+/=.~]{20,}/g;

/**
 * Removes anything shaped like a credential from text that may reach history, logs or a page:
 * `token=`/`secret=` style parameters and long random-looking runs (JWT segments, opaque tokens).
 */
export function redact(text: string): string {
  return text
    .replace(CREDENTIAL_PARAM, '$1=[redacted]')
    .replace(LONG_RUN, (run) => (looksSecret(run) ? '[redacted]' : run));
}

function looksSecret(run: string): boolean {
  if (/[0-9]/.test(run) && /[A-Za-z]/.test(run)) return true;
  // Random letters alone: long, both cases, and not a path or a dotted name made of words.
  return run.length >= 32 && /[a-z]/.test(run) && /[A-Z]/.test(run) && !/[/.]/.test(run);
}
