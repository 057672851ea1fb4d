/** Used when a token response has no usable `expires_in`: short, so a wrong guess costs little. */
export const DEFAULT_LIFETIME_SEC = 600;

/** Longest lifetime we believe (a year); anything above is treated as absurd. */
export const MAX_LIFETIME_SEC = 365 * 24 * 3600;

/** The lifetime to plan with and whether it was assumed rather than given. */
export interface Lifetime {
  lifetimeSec: number;
  assumed: boolean;
}

/** Reads `expires_in`; missing, non-numeric, non-positive or absurd values give the default. */
export function resolveLifetime(expiresIn: unknown): Lifetime {
  const value = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  if (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 1 &&
    value <= MAX_LIFETIME_SEC
  ) {
    return { lifetimeSec: Math.floor(value), assumed: false };
  }
  return { lifetimeSec: DEFAULT_LIFETIME_SEC, assumed: true };
}
