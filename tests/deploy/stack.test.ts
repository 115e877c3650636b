/** The Automation API wrapper: change summaries, outputs, and each failure turned into an error that says what to do. */
import { strict as assert } from "node:assert";
import * as automation from "@pulumi/pulumi/automation";
import { main } from "../../automation/cli/main";
import { OperationError, UsageError } from "../../automation/core/errors";
import { AutomationStack, changeSummary, pulumiStacks, stringOutputs, translate, type AutomationApiStack } from "../../automation/deploy/stack";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { World } from "../cli/fakes";

/** Pulumi's own classifier of CLI failures (internal, but it is what LocalWorkspace uses). */
const commandError = (stderr: string): Error =>
  (automation as unknown as { createCommandError(r: { stderr: string; stdout: string; code: number; toString(): string }): Error }).createCommandError({
    stderr,
    stdout: "",
    code: 255,
    toString: () => `code: 255\nstderr: ${stderr}`,
  });

const noop = () => undefined;
const signal = new AbortController().signal;
/** `up` previews first; a preview that passes. */
const passingPreview = async () => ({ stdout: "", stderr: "", changeSummary: { same: 4 } });

describe("deploy: Automation API stack", () => {
  it("reports only the operations that happened and never prints secret outputs", () => {
    assert.deepEqual(changeSummary({ create: 2, same: 7, update: 0 }), { create: 2, same: 7, update: 0 });
    assert.deepEqual(stringOutputs({ bucketName: { value: "b", secret: false }, token: { value: "s3cr3t", secret: true }, list: { value: [1], secret: false } }), {
      bucketName: "b",
      list: "[1]",
    });
  });

  it("streams CLI output line by line and passes the abort signal and policy packs to up", async () => {
    const seen: { signal?: AbortSignal; policyPacks?: string[] } = {};
    const fake = {
      preview: passingPreview,
      up: async (o: { onOutput?: (s: string) => void; signal?: AbortSignal; policyPacks?: string[] }) => {
        o.onOutput?.("Updating (dev)\n\n   + bucket created\n");
        Object.assign(seen, { signal: o.signal, policyPacks: o.policyPacks });
        return { stdout: "", stderr: "", summary: { resourceChanges: { create: 1, same: 3 } }, outputs: { bucketName: { value: "b", secret: false } } };
      },
    } as unknown as AutomationApiStack;
    const lines: string[] = [];
    const result = await new AutomationStack(fake, "dev").up({ onOutput: (l) => lines.push(l), signal, policyPacks: ["policy"] });
    assert.deepEqual(lines, ["Updating (dev)", "   + bucket created"]);
    assert.deepEqual(result, { changes: { create: 1, same: 3 }, outputs: { bucketName: "b" } });
    assert.equal(seen.signal, signal);
    assert.deepEqual(seen.policyPacks, ["policy"]);
  });

  it("another update holding the stack (cloud or self-managed backend) is a clear operational error", async () => {
    for (const stderr of ["error: [409] Conflict: Another update is currently in progress.", "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the lock file"]) {
      const failing = { preview: passingPreview, up: async () => Promise.reject(commandError(stderr)) } as unknown as AutomationApiStack;
      await assert.rejects(new AutomationStack(failing, "dev").up({ onOutput: noop, signal }), (e: unknown) => e instanceof OperationError && /another update is in progress on stack "dev"/.test(e.message) && /pulumi cancel --stack dev/.test(e.message));
    }
  });

  it("missing or expired credentials are a usage error with the fix", () => {
    for (const message of [
      "error: No valid credential sources found",
      "error: ExpiredToken: The security token included in the request is expired",
      "error: InvalidClientTokenId: The security token included in the request is invalid",
    ]) {
      const error = translate(commandError(message), "staging");
      assert.ok(error instanceof UsageError, message);
      assert.match(error.message, /AWS credentials for stack "staging" are missing or expired/);
    }
  });

  it("any other failure keeps the CLI's error lines with what they say below them", () => {
    const error = translate(commandError("error: update failed\n  aws:s3:Bucket artifacts: BucketAlreadyExists"), "dev");
    assert.ok(error instanceof OperationError);
    assert.match(error.message, /BucketAlreadyExists/);
  });

  it("without the Pulumi CLI, opening a stack is a usage error with the install hint", async () => {
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await assert.rejects(pulumiStacks(REPO_ROOT)("dev", { create: true }), (e: unknown) => e instanceof UsageError && /Pulumi CLI is not installed/.test(e.message) && /`--env local` needs no CLI/.test(e.message));
    } finally {
      process.env.PATH = path;
    }
  });

  it("so `up --env dev` without the CLI exits 2 and deploys nothing", async () => {
    const world = new World();
    const path = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      const code = await main(["up", "--env", "dev"], world.deps({ openStack: pulumiStacks(REPO_ROOT) }));
      assert.equal(code, 2);
      assert.match(world.stderr.join("\n"), /Pulumi CLI is not installed/);
      assert.ok(!world.calls.some((c) => c.startsWith("run ")));
      assert.equal(world.stores.size, 0, "nothing staged");
    } finally {
      process.env.PATH = path;
      world.cleanup();
    }
  });
});
