/** The local registry opened alone (models commands): reading never creates a store. */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { openLocalRegistry } from "../../automation/local";
import { openDatabase } from "../../automation/local/store";

describe("local target: openLocalRegistry", () => {
  let home: string;
  beforeEach(() => (home = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "registry-")), "home")));
  afterEach(() => fs.rmSync(path.dirname(home), { recursive: true, force: true }));

  it("with no store yet: lists nothing, refuses changes with the fix, and creates nothing", async () => {
    const opened = openLocalRegistry("/unused", home);
    try {
      assert.deepEqual(await opened.registry.list(), []);
      assert.deepEqual(await opened.registry.history(), []);
      await assert.rejects(opened.registry.setApproval(1, "Approved"), (e: Error) => e.name === "UsageError" && /no local store in .* yet.*npm run automate/.test(e.message));
      await assert.rejects(opened.registry.describe(), /no local store/);
    } finally {
      opened.close();
    }
    assert.ok(!fs.existsSync(home), "the store folder was created");
  });

  it("with a store: reads it, and a missing version is named with the versions there are", async () => {
    openDatabase(home).close();
    const opened = openLocalRegistry("/unused", home);
    try {
      assert.deepEqual(await opened.registry.list(), []);
      await assert.rejects(opened.registry.describe(3), /has no version 3 \(it has no versions yet\)/);
    } finally {
      opened.close();
    }
  });
});
