/**
 * The terminal: log lines and step progress. On a terminal the progress is a live table kept at the
 * bottom (log lines are printed above it, then it is redrawn); elsewhere (CI logs) progress is one line
 * per step state change, so a log never repeats an unchanged state.
 */
import { formatDuration } from "./duration";
import type { StepReport } from "./report";
import type { ProgressSink } from "./run";

export interface ProgressStream {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

export interface Terminal {
  /** Print a line (above the live table, on a terminal). */
  log(line: string): void;
  /** A progress display for one execution. */
  progress(): ProgressSink;
}

type Execution = { readonly status: string; readonly steps: readonly StepReport[] };

export function createTerminal(stream: ProgressStream, now: () => number = Date.now): Terminal {
  if (!stream.isTTY) return { log: (line) => void stream.write(`${line}\n`), progress: () => new LineProgress(stream, now) };
  const screen = new LiveTable(stream);
  return { log: (line) => screen.print(line), progress: () => new TableProgress(screen, now) };
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
  update(execution: Execution): void {
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

/** The rows at the bottom of a terminal, redrawn in place; printed lines go above them. */
class LiveTable {
  private rows: readonly string[] = [];
  constructor(private readonly stream: ProgressStream) {}

  /** Move up over the rows drawn before and clear to the end of the screen. */
  private erase(): string {
    return this.rows.length > 0 ? `\x1b[${this.rows.length}A\x1b[0J` : "";
  }
  private draw(): string {
    return this.rows.map((r) => `${r}\n`).join("");
  }

  show(rows: readonly string[]): void {
    const erase = this.erase();
    this.rows = rows;
    this.stream.write(erase + this.draw());
  }
  print(line: string): void {
    this.stream.write(`${this.erase()}${line}\n${this.draw()}`);
  }
  /** Leave the last table on screen as ordinary output. */
  release(): void {
    this.rows = [];
  }
}

class TableProgress implements ProgressSink {
  private readonly started: number;
  constructor(
    private readonly screen: LiveTable,
    private readonly now: () => number,
  ) {
    this.started = now();
  }
  update(execution: Execution): void {
    this.screen.show([
      `execution ${execution.status} (${formatDuration(this.now() - this.started)})`,
      ...execution.steps.map((s) => `  ${s.name.padEnd(24)} ${s.type.padEnd(14)} ${s.status}${s.failureReason ? `  ${s.failureReason}` : ""}`),
    ]);
  }
  done(): void {
    this.screen.release();
  }
}
