/**
 * What SIGINT/SIGTERM do to a run: the first stops the execution and reports (exit 130), the second stops
 * waiting for it to reach Stopped, the third leaves at once.
 *
 * One signal often arrives twice: `npm run` forwards to the driver what the whole process group already
 * received (a terminal's Ctrl-C, `timeout`, a CI runner's cancel). A repeat of the same signal within
 * `echoMs` is that echo, not a second request.
 */
export type StopSignal = "SIGINT" | "SIGTERM";

export interface SignalActions {
  /** First: stop the execution and clean up. */
  stop(signal: StopSignal): void;
  /** Second: stop waiting for the execution to stop. */
  force(signal: StopSignal): void;
  /** Third: leave at once. */
  exit(signal: StopSignal): void;
}

export const SIGNAL_ECHO_MS = 1000;

export function signalEscalation(actions: SignalActions, now: () => number = Date.now, echoMs: number = SIGNAL_ECHO_MS): { handle(signal: StopSignal): void; readonly count: number } {
  let count = 0;
  let last: { signal: StopSignal; at: number } | undefined;
  return {
    get count() {
      return count;
    },
    handle(signal: StopSignal): void {
      const at = now();
      if (last && last.signal === signal && at - last.at < echoMs) return;
      last = { signal, at };
      count += 1;
      if (count === 1) actions.stop(signal);
      else if (count === 2) actions.force(signal);
      else actions.exit(signal);
    },
  };
}
