/** `--timeout` values: `90m`, `1h30m`, `45s`, `2h`, or plain seconds. */
import { UsageError } from "./errors";

const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000 };
/** Longer than any SageMaker job may run (5 days), and safely below what a timer can hold. */
export const MAX_DURATION_MS = 7 * 24 * 3_600_000;

export function parseDuration(text: string, flag = "--timeout"): number {
  const trimmed = text.trim();
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!trimmed || (!/^\d+$/.test(trimmed) && !match)) throw new UsageError(`${flag} "${text}" is not a duration: use e.g. 90m, 1h30m, 45s or a number of seconds`);
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Number(match![1] ?? 0) * UNIT_MS.h! + Number(match![2] ?? 0) * UNIT_MS.m! + Number(match![3] ?? 0) * UNIT_MS.s!;
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero`);
  if (ms > MAX_DURATION_MS) throw new UsageError(`${flag} "${text}" is longer than 7 days; SageMaker stops any job after 5 days`);
  return ms;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const AGE_UNIT_MS: Record<string, number> = { d: 86_400_000, ...UNIT_MS };
/** Ages a prune accepts: up to 100 years. */
export const MAX_AGE_MS = 100 * 365 * 86_400_000;

/**
 * An age (`--older-than`): `30d`, `12h`, `1d12h`, `90m`, `45s`, units largest first. A bare number is
 * refused rather than guessed (seconds? days?), because what it selects gets deleted.
 */
export function parseAge(text: string, flag = "--older-than"): number {
  const trimmed = text.trim();
  const match = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(trimmed);
  if (!trimmed || !match) {
    throw new UsageError(`${flag} "${text}" is not an age: use a number with a unit, e.g. 30d (days), 12h, 1d12h, 90m or 45s`);
  }
  const ms = ["d", "h", "m", "s"].reduce((sum, unit, i) => sum + Number(match[i + 1] ?? 0) * AGE_UNIT_MS[unit]!, 0);
  if (ms <= 0) throw new UsageError(`${flag} must be longer than zero (${flag} 1s selects every finished execution)`);
  if (ms > MAX_AGE_MS) throw new UsageError(`${flag} "${text}" is longer than 100 years`);
  return ms;
}
