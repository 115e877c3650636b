/**
 * Is a recorded process still the same live process? A pid alone can be reused after a crash, so on
 * Linux the identity also holds the boot id and the process start time from /proc; elsewhere it is
 * empty and only liveness is checked.
 */
import * as fs from "node:fs";

function bootId(): string {
  try {
    return fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return "";
  }
}

/** State letter and start time (clock ticks since boot) from /proc, when the platform has it. */
function procStat(pid: number): { readonly state: string; readonly startTime: string } | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces and parentheses): state is field 3, start time field 22.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return fields[0] && fields[19] ? { state: fields[0], startTime: fields[19] } : undefined;
  } catch {
    return undefined;
  }
}

/** `<boot id>:<start time>` of a process, or "" when the platform does not tell. */
export function processIdentity(pid: number): string {
  const stat = procStat(pid);
  return stat ? `${bootId()}:${stat.startTime}` : "";
}

/** true when `pid` runs (not a zombie) and, if an identity was recorded and can be read, it is still that process. */
export function isSameProcessAlive(pid: number, identity: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const stat = procStat(pid);
  if (!stat) return true; // alive, and nothing more can be known here
  if (stat.state === "Z" || stat.state === "X") return false;
  return identity === "" || `${bootId()}:${stat.startTime}` === identity;
}

/** Signal a process group (scripts run in their own group); optionally fall back to the process alone. */
export function killGroup(pid: number, signal: NodeJS.Signals = "SIGKILL", fallbackToProcess = true): void {
  try {
    process.kill(-pid, signal);
  } catch {
    if (!fallbackToProcess) return;
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}
