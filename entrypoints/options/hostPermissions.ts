import { t } from '@/components/i18n';
import { originPatterns } from '@/utils/host-origins';

// The worker can call a provider's https endpoints only once the person has granted that origin
// (the manifest makes all https origins optional). Only a page can ask, and only during a click,
// so the options page asks before adding or connecting.

/** Asks the browser for host access; resolves to whether it was granted. */
export type RequestOrigins = (origins: string[]) => Promise<boolean>;

/** Whether the browser has granted every one of `origins` (browser.permissions.contains). */
export type ContainsOrigins = (origins: string[]) => Promise<boolean>;

/** The host names of match patterns such as `https://auth.example.com/*`, joined for a sentence. */
export function hostList(patterns: readonly string[]): string {
  return patterns.map((pattern) => new URL(pattern.replace('/*', '/')).hostname).join(t('listAnd'));
}

/** The sentence shown when the person declines access to `patterns`. */
export function permissionDeniedMessage(patterns: readonly string[]): string {
  return t('permissionDenied', hostList(patterns));
}

/**
 * The manifest's host patterns the browser has not granted. Chromium grants them at install; Firefox
 * (Manifest V3) leaves each to the person, who may decline or withdraw it in the add-ons manager.
 */
export async function missingOrigins(
  declared: readonly string[],
  contains: ContainsOrigins,
): Promise<string[]> {
  const granted = await Promise.all(declared.map((origin) => contains([origin])));
  return declared.filter((_, index) => !granted[index]);
}

/** Asks for the origins of `urls` when there are any; true when nothing needs asking. */
export async function ensureOrigins(
  request: RequestOrigins,
  urls: readonly (string | undefined)[],
): Promise<{ ok: true } | { ok: false; message: string }> {
  const patterns = originPatterns(urls);
  if (patterns.length === 0) return { ok: true };
  return (await request(patterns))
    ? { ok: true }
    : { ok: false, message: permissionDeniedMessage(patterns) };
}
