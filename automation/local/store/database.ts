/**
 * The local store's SQLite database (`<home>/store.db`): object checksums, executions and their steps,
 * and the model registry. WAL mode and a busy timeout let several processes share it; every write that
 * must be atomic is one transaction.
 */
import type Database from "better-sqlite3";
import * as fs from "node:fs";
import * as path from "node:path";
import { OperationError } from "../../core/errors";

export type Db = Database.Database;

export const SCHEMA_VERSION = 3;
/** How long a writer waits for another process's transaction before giving up. */
export const BUSY_TIMEOUT_MS = 15_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS objects (
  bucket       TEXT NOT NULL,
  key          TEXT NOT NULL,
  sha256       TEXT NOT NULL,
  size         INTEGER NOT NULL,
  mtime_ms     REAL NOT NULL,
  content_type TEXT NOT NULL,
  updated_at   TEXT NOT NULL,
  PRIMARY KEY (bucket, key)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS executions (
  id                TEXT PRIMARY KEY,
  pipeline_name     TEXT NOT NULL,
  display_name      TEXT NOT NULL,
  client_token      TEXT UNIQUE,
  status            TEXT NOT NULL CHECK (status IN ('Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded')),
  failure_reason    TEXT,
  parameters        TEXT NOT NULL,
  definition_sha256 TEXT NOT NULL,
  owner_pid         INTEGER NOT NULL,
  owner_identity    TEXT NOT NULL,
  owner_host        TEXT NOT NULL,
  started_at        TEXT NOT NULL,
  ended_at          TEXT
);

CREATE TABLE IF NOT EXISTS steps (
  execution_id   TEXT NOT NULL REFERENCES executions (id) ON DELETE CASCADE,
  name           TEXT NOT NULL,
  type           TEXT NOT NULL,
  seq            INTEGER NOT NULL,
  status         TEXT NOT NULL CHECK (status IN ('Starting', 'Executing', 'Stopping', 'Stopped', 'Failed', 'Succeeded')),
  failure_reason TEXT,
  started_at     TEXT NOT NULL,
  ended_at       TEXT,
  properties     TEXT,
  log_file       TEXT NOT NULL,
  child_pid      INTEGER,
  child_identity TEXT,
  PRIMARY KEY (execution_id, name)
);

CREATE TABLE IF NOT EXISTS model_package_groups (
  name       TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS model_packages (
  group_name           TEXT NOT NULL REFERENCES model_package_groups (name),
  version              INTEGER NOT NULL CHECK (version >= 1),
  approval_status      TEXT NOT NULL CHECK (approval_status IN ('PendingManualApproval', 'Approved', 'Rejected')),
  approval_description TEXT,
  description          TEXT,
  model_data_url       TEXT NOT NULL,
  model_file           TEXT NOT NULL,
  model_sha256         TEXT NOT NULL,
  metrics              TEXT NOT NULL,
  metrics_uri          TEXT,
  metrics_report       TEXT,
  customer_metadata    TEXT NOT NULL,
  request              TEXT NOT NULL,
  execution_id         TEXT,
  created_at           TEXT NOT NULL,
  updated_at           TEXT NOT NULL,
  PRIMARY KEY (group_name, version)
);
CREATE INDEX IF NOT EXISTS model_packages_by_execution ON model_packages (execution_id);
`;

/** Schema 2: lifecycle stages (docs/architecture.md §7) and their history (who, when, why). */
const LIFECYCLE = `
ALTER TABLE model_packages ADD COLUMN stage TEXT CHECK (stage IN ('Staging', 'Production', 'Archived'));
ALTER TABLE model_packages ADD COLUMN stage_description TEXT;
CREATE TABLE IF NOT EXISTS stage_changes (
  seq        INTEGER PRIMARY KEY AUTOINCREMENT,
  group_name TEXT NOT NULL,
  version    INTEGER NOT NULL,
  from_stage TEXT,
  to_stage   TEXT NOT NULL,
  at         TEXT NOT NULL,
  by         TEXT NOT NULL,
  reason     TEXT NOT NULL,
  FOREIGN KEY (group_name, version) REFERENCES model_packages (group_name, version)
);
CREATE INDEX IF NOT EXISTS stage_changes_by_group ON stage_changes (group_name, seq);
`;

/**
 * Schema 3: serving (docs/architecture.md §8). `serving`: the version `deploy --env local` serves, one
 * row per group. `servers`: each running `serve` process (pid and identity, so a dead one is ignored),
 * its URL and the version it answers with now.
 */
const SERVING = `
CREATE TABLE IF NOT EXISTS serving (
  group_name  TEXT PRIMARY KEY,
  version     INTEGER NOT NULL,
  deployed_at TEXT NOT NULL,
  deployed_by TEXT NOT NULL,
  FOREIGN KEY (group_name, version) REFERENCES model_packages (group_name, version)
);
CREATE TABLE IF NOT EXISTS servers (
  pid        INTEGER NOT NULL,
  identity   TEXT NOT NULL,
  host       TEXT NOT NULL,
  group_name TEXT NOT NULL,
  url        TEXT NOT NULL,
  version    INTEGER NOT NULL,
  started_at TEXT NOT NULL,
  PRIMARY KEY (host, pid)
);
`;

/** Each schema version's statements, applied in order from the store's version to the current one. */
export const MIGRATIONS: readonly string[] = [SCHEMA, LIFECYCLE, SERVING];

export function openDatabase(home: string): Db {
  fs.mkdirSync(home, { recursive: true });
  const file = path.join(home, "store.db");
  // The native module is loaded on first use: commands that open no store never pay for it.
  const Sqlite = require("better-sqlite3") as typeof import("better-sqlite3");
  const db = new Sqlite(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.transaction(() => {
      const version = db.pragma("user_version", { simple: true }) as number;
      if (version > SCHEMA_VERSION) {
        throw new OperationError(`${file} was written by a newer ml-pipeline (store schema ${version}; this one knows ${SCHEMA_VERSION}): update the checkout, or use another ML_PIPELINE_HOME`);
      }
      for (let next = version; next < SCHEMA_VERSION; next++) db.exec(MIGRATIONS[next]!);
      if (version < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export const nowIso = (): string => new Date().toISOString();
