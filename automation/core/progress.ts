/**
 * Step progress: a live table redrawn in place on a terminal, one line per step state change otherwise
 * (CI logs), so a log never repeats an unchanged state.
 */
import { formatDuration } from "./duration";
import type { StepReport } from "./report";
import type { ProgressSink } from "./run";

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export function createProgress(stream: ProgressStream, now: () => number = Date.now): ProgressSink {
  return stream.isTTY ? new TableProgress(stream, now) : new LineProgress(stream, now);
}

class LineProgress implements ProgressSink {
  private readonly seen = new Map<string, string>();
  private readonly started: number;
  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {
    this.started = now();
  }
  update(execution: { readonly status: string; readonly steps: readonly StepReport[] }): void {
    const elapsed = formatDuration(this.now() - this.started);
    for (const step of execution.steps) {
      const state = `${step.status}${step.failureReason ? `: ${step.failureReason}` : ""}`;
      if (this.seen.get(step.name) === state) continue;
      this.seen.set(step.name, state);
      this.stream.write(`[+${elapsed}] ${step.name} (${step.type}) ${state}\n`);
    }
  }
  done(): void {}
}

class TableProgress implements ProgressSink {
  private drawnLines = 0;
  private readonly started: number;
  constructor(
    private readonly stream: ProgressStream,
    private readonly now: () => number,
  ) {
    this.started = now();
  }
  update(execution: { readonly status: string; readonly steps: readonly StepReport[] }): void {
    const rows = [
      `execution ${execution.status} (${formatDuration(this.now() - this.started)})`,
      ...execution.steps.map((s) => `  ${s.name.padEnd(24)} ${s.type.padEnd(14)} ${s.status}${s.failureReason ? `  ${s.failureReason}` : ""}`),
    ];
    // Move up over the previous table and clear each line before drawing the new one.
    const up = this.drawnLines > 0 ? `\x1b[${this.drawnLines}A` : "";
    this.stream.write(up + rows.map((r) => `\x1b[2K${r}\n`).join(""));
    this.drawnLines = rows.length;
  }
  done(): void {
    this.drawnLines = 0;
  }
}
