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
