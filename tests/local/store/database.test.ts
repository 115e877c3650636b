/** The SQLite database: WAL, and a store written by a newer version. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { openDatabase, SCHEMA_VERSION } from "../../../automation/local/store";
import { tempDir } from "../helpers";

describe("local store: database", () => {
  it("uses WAL and refuses a store written by a newer version", () => {
    const home = tempDir();
    try {
      const db = openDatabase(home);
      assert.equal(db.pragma("journal_mode", { simple: true }), "wal");
      db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      db.close();
      assert.throws(() => openDatabase(home), /was written by a newer ml-pipeline/);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
