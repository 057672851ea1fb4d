const CREDENTIAL_PARAM =
  /\b(access_token|refresh_token|id_token|client_secret|code|token)=([^&\s"']+)/gi;
/** Long runs of token alphabet; only those mixing letters and digits are treated as credentials. */
const LONG_RUN = /[A-Za-z0-9_\-+/=]{20,}/g;

/**
 * Removes anything shaped like a credential from text that may reach history, logs or a page:
 * `token=`/`secret=` style parameters and long random-looking runs (JWT segments, opaque tokens).
 */
export function redact(text: string): string {
  return text
    .replace(CREDENTIAL_PARAM, '$1=[redacted]')
    .replace(LONG_RUN, (run) => (/[0-9]/.test(run) && /[A-Za-z]/.test(run) ? '[redacted]' : run));
}
