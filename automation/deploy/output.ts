/**
 * The Pulumi CLI writes its output in chunks that do not end on line boundaries (a resource line may
 * come in two pieces, and the non-interactive progress indicator is `@ updating....` followed by one
 * `.` chunk per second). The log wants whole, meaningful lines.
 */
import type { Log } from "../core/run";

export interface LineWriter {
  /** One chunk as the CLI wrote it. */
  write(chunk: string): void;
  /** End of the operation: log what is left of an unfinished line. */
  flush(): void;
}

/** `@ updating....`, `@ previewing update...`, `@ destroying.....`: progress dots, not information. */
const PROGRESS_LINE = /^@ [a-z][a-z ]*\.*$/;
const DOTS_ONLY = /^\.+$/;

/** True for a line worth logging (not blank, not a progress indicator). */
export function meaningfulLine(line: string): boolean {
  const trimmed = line.trim();
  return trimmed !== "" && !PROGRESS_LINE.test(trimmed) && !DOTS_ONLY.test(trimmed);
}

/** Buffers chunks until a newline, then logs each meaningful line once, whole. */
export function lineWriter(log: Log): LineWriter {
  let pending = "";
  const emit = (line: string) => {
    const text = line.replace(/\s+$/, "");
    if (meaningfulLine(text)) log(text);
  };
  return {
    write(chunk) {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? "";
      parts.forEach(emit);
    },
    flush() {
      if (pending !== "") emit(pending);
      pending = "";
    },
  };
}
