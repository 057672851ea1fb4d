import { effectiveLeadSec } from '../refresh-lead';

/** Chrome will not fire an alarm sooner than 30 s after it is set (MV3). */
export const ALARM_FLOOR_MS = 30_000;

/** Never plan a refresh closer to the previous one than this: stops loops on very short tokens. */
export const MIN_REFRESH_SPACING_MS = ALARM_FLOOR_MS;

/** At most this much jitter, so many connections with equal tokens do not fire together. */
export const MAX_JITTER_MS = 30_000;

/** Inputs of the refresh-time rule (R3). */
export interface RefreshPlanInput {
  /** When the access token expires (epoch ms). */
  expiresAt: number;
  /** The token's lifetime as issued (s). */
  lifetimeSec: number;
  /** Configured refresh-before-expiry threshold (s). */
  leadSec: number;
  /** The clock now (epoch ms), normally the moment the token response arrived. */
  now: number;
  /** A number in [0, 1) for jitter; inject for determinism. */
  random: number;
}

/**
 * When to refresh next (R3): `expiresAt − lead − jitter`, where lead is capped at half the lifetime,
 * jitter is at most 10 % of the lead (and 30 s), and the result is never sooner than the alarm floor.
 */
export function nextRefreshAt(input: RefreshPlanInput): number {
  const leadMs = effectiveLeadSec(input.leadSec, input.lifetimeSec) * 1000;
  const jitterMs = Math.min(MAX_JITTER_MS, leadMs * 0.1) * clamp01(input.random);
  const planned = Math.round(input.expiresAt - leadMs - jitterMs);
  return Math.max(planned, input.now + MIN_REFRESH_SPACING_MS);
}

/** When a one-shot alarm for `refreshAt` can actually be set to fire, given Chrome's floor. */
export function alarmTimeFor(refreshAt: number, now: number): number {
  return Math.max(refreshAt, now + ALARM_FLOOR_MS);
}

/** Whether a connection scheduled at `refreshAt` is due now (alarms may fire a little early). */
export function isDue(refreshAt: number | undefined, now: number, toleranceMs = 1_000): boolean {
  return refreshAt !== undefined && refreshAt <= now + toleranceMs;
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(Math.max(x, 0), 0.999_999) : 0;
}

/** A marker older than this has no request behind it any more (timeout 15 s, plus writes): settle it. */
export const STALE_MARKER_MS = 60_000;

/**
 * Whether a request's answer is unknown: its marker outlived the request (the worker that sent it died).
 * Its rotation may already have retired the stored access token (Atlassian does after 10 minutes).
 */
export function hasStaleMarker(connection: { inFlightSince: number | null }, now: number): boolean {
  return connection.inFlightSince !== null && now - connection.inFlightSince >= STALE_MARKER_MS;
}

/** How far the local clock may step back before the stored times are no longer trusted (clock-guard). */
export const CLOCK_JUMP_TOLERANCE_MS = 5_000;
