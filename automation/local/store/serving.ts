/**
 * What the local target serves (docs/architecture.md §8), in the store: the version `deploy --env
 * local` chose, per group, and the `serve` processes running now. Each change is one transaction, so
 * concurrent deploys and servers never see half a record; a server whose process died is ignored.
 */
import * as os from "node:os";
import { isSameProcessAlive, processIdentity } from "../python/processIdentity";
import { nowIso, type Db } from "./database";

export interface ServedRecord {
  readonly version: number;
  readonly deployedAt: string;
  readonly deployedBy: string;
}

export interface ServerRecord {
  readonly pid: number;
  readonly url: string;
  /** The version it answers with now. */
  readonly version: number;
}

interface ServerRow {
  readonly pid: number;
  readonly identity: string;
  readonly url: string;
  readonly version: number;
}

export class ServingRecords {
  constructor(
    private readonly db: Db,
    private readonly group: string,
  ) {}

  served(): ServedRecord | undefined {
    const row = this.db.prepare("SELECT version, deployed_at, deployed_by FROM serving WHERE group_name = ?").get(this.group) as
      | { version: number; deployed_at: string; deployed_by: string }
      | undefined;
    return row ? { version: row.version, deployedAt: row.deployed_at, deployedBy: row.deployed_by } : undefined;
  }

  /** Serve `version` from now on; returns what was served before (undefined: nothing). */
  serve(version: number, by: string): ServedRecord | undefined {
    return this.db
      .transaction(() => {
        const before = this.served();
        this.db
          .prepare(
            `INSERT INTO serving (group_name, version, deployed_at, deployed_by) VALUES (?, ?, ?, ?)
             ON CONFLICT (group_name) DO UPDATE SET version = excluded.version, deployed_at = excluded.deployed_at, deployed_by = excluded.deployed_by`,
          )
          .run(this.group, version, nowIso(), by);
        return before;
      })
      .immediate();
  }

  /** Serve nothing; false when nothing was served. */
  clear(): boolean {
    return this.db.prepare("DELETE FROM serving WHERE group_name = ?").run(this.group).changes > 0;
  }

  /** Record this process as a running server (replacing a record of a dead process with the same pid). */
  registerServer(url: string, version: number): void {
    this.db
      .prepare(
        `INSERT INTO servers (pid, identity, host, group_name, url, version, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (host, pid) DO UPDATE SET identity = excluded.identity, group_name = excluded.group_name, url = excluded.url, version = excluded.version, started_at = excluded.started_at`,
      )
      .run(process.pid, processIdentity(process.pid), os.hostname(), this.group, url, version, nowIso());
  }

  /** This process's server now answers with `version`. */
  serverSwapped(version: number): void {
    this.db.prepare("UPDATE servers SET version = ? WHERE host = ? AND pid = ?").run(version, os.hostname(), process.pid);
  }

  removeServer(): void {
    this.db.prepare("DELETE FROM servers WHERE host = ? AND pid = ?").run(os.hostname(), process.pid);
  }

  /** The running servers of this group on this machine, newest first; records of dead processes are removed. */
  liveServers(): ServerRecord[] {
    const rows = this.db.prepare("SELECT pid, identity, url, version FROM servers WHERE group_name = ? AND host = ? ORDER BY started_at DESC").all(this.group, os.hostname()) as ServerRow[];
    const live: ServerRecord[] = [];
    for (const row of rows) {
      if (isSameProcessAlive(row.pid, row.identity)) live.push({ pid: row.pid, url: row.url, version: row.version });
      else this.db.prepare("DELETE FROM servers WHERE host = ? AND pid = ?").run(os.hostname(), row.pid);
    }
    return live;
  }
}
