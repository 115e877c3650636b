/**
 * Where the suite's CPU goes: every process it starts (the driver, the Pulumi CLI, the language host's
 * Node program, the policy pack, the providers, moto), sampled from Linux /proc a few times a second
 * and summed by kind. Reaped-children accounting (`childCpuSeconds`) misses the processes that are
 * re-parented when their parent exits first (Pulumi's plugins often are), so it reads low; this sees
 * them all, except the last fraction of a second of each process and processes shorter than a sample.
 */
import * as fs from "node:fs";

export interface CpuByKind {
  /** Seconds of user + system CPU per kind of process, largest first. */
  readonly kinds: readonly { readonly kind: string; readonly seconds: number; readonly processes: number }[];
  readonly total: number;
}

/** What a process is, from its command line (the suite's report groups by this). */
export function kindOf(comm: string, cmdline: string): string {
  if (/@pulumi[\\/]pulumi[\\/]cmd[\\/]run-policy-pack/.test(cmdline)) return "policy pack (Node)";
  if (/@pulumi[\\/]pulumi[\\/]cmd[\\/]run[\\/]/.test(cmdline)) return "Pulumi program (Node)";
  if (/automation[\\/]automate\.ts/.test(cmdline)) return "driver (npm run automate)";
  if (/tests[\\/]engine[\\/]fixtures[\\/]/.test(cmdline)) return "fixture scripts (Node)";
  if (comm.startsWith("pulumi-resource")) return "stub providers";
  if (comm.startsWith("pulumi-language")) return "language host";
  if (comm === "pulumi") return "pulumi CLI";
  if (/moto/.test(cmdline)) return "moto";
  return `other (${comm})`;
}

export class CpuSampler {
  /** Latest CPU seconds seen per process (keyed by pid and start time: pids are reused). */
  private readonly seen = new Map<string, { kind: string; seconds: number }>();
  private timer: NodeJS.Timeout | undefined;
  private readonly ticks = 100; // USER_HZ on Linux

  constructor(private readonly root: number = process.pid) {}

  start(intervalMs = 200): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
    return this;
  }

  stop(): CpuByKind {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const byKind = new Map<string, { seconds: number; processes: number }>();
    for (const { kind, seconds } of this.seen.values()) {
      const entry = byKind.get(kind) ?? { seconds: 0, processes: 0 };
      byKind.set(kind, { seconds: entry.seconds + seconds, processes: entry.processes + 1 });
    }
    const kinds = [...byKind].map(([kind, v]) => ({ kind, ...v })).sort((a, b) => b.seconds - a.seconds);
    return { kinds, total: kinds.reduce((sum, k) => sum + k.seconds, 0) };
  }

  private sample(): void {
    for (const pid of descendantPids(this.root)) {
      const stat = readOr(`/proc/${pid}/stat`);
      if (!stat) continue;
      const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // After the command name: utime and stime are fields 14 and 15 of stat, starttime field 22.
      const seconds = (Number(fields[11]) + Number(fields[12])) / this.ticks;
      const key = `${pid}:${fields[19]}`;
      const known = this.seen.get(key);
      if (known) known.seconds = Math.max(known.seconds, seconds);
      else this.seen.set(key, { kind: kindOf(comm, (readOr(`/proc/${pid}/cmdline`) ?? "").replace(/\0/g, " ")), seconds });
    }
  }
}

/** The descendants of `root` now, from every process's parent (a Go parent starts children from any thread). */
function descendantPids(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    const stat = readOr(`/proc/${name}/stat`);
    if (!stat) continue;
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
  }
  const found: number[] = [];
  const walk = (pid: number) => {
    for (const child of children.get(pid) ?? []) {
      found.push(child);
      walk(child);
    }
  };
  walk(root);
  return found;
}

function readOr(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf-8");
  } catch {
    return undefined;
  }
}
