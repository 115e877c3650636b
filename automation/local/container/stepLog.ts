/** One log file per step: notes from the local target, the command, and everything the script printed. */
import * as fs from "node:fs";
import * as path from "node:path";

export class StepLog {
  private readonly fd: number;

  constructor(
    readonly file: string,
    /** Where lines also go live (the run's log), already prefixed with the step name by the caller. */
    private readonly forward: (line: string) => void,
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, "a");
  }

  /** A line from the local target itself (what it did, what it ignored). */
  note(line: string, forward = false): void {
    this.write(`[local] ${line}`);
    if (forward) this.forward(line);
  }

  /** A line the script printed. */
  output(line: string): void {
    this.write(line);
    this.forward(line);
  }

  private write(line: string): void {
    fs.writeSync(this.fd, `${line}\n`);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
