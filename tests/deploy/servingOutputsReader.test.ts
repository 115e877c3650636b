/** pulumiServingOutputs: a serving stack's outputs with one `pulumi stack output` (a fake CLI script here). */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { OperationError, UsageError } from "../../automation/core/errors";
import { pulumiServingOutputs, SERVING_PROJECT_NAME } from "../../automation/deploy/servingOutputsReader";
import { PULUMI_CLI_HINT } from "../../automation/deploy/stack";

const OUTPUTS = { endpointName: "ml-dev-endpoint", endpointArn: "arn:aws:sagemaker:eu-west-1:1:endpoint/ml-dev-endpoint", servedModelPackageArn: "arn:aws:sagemaker:eu-west-1:1:model-package/g/3", mode: "serverless", updatePolicy: "all-at-once" };

describe("pulumiServingOutputs (the cheap read of what is served)", () => {
  let dir: string;
  let record: string;
  /** A fake `pulumi`: records its arguments and the Pulumi.yaml of its folder, then does `body`. */
  const fakeCli = (body: string): string => {
    const file = path.join(dir, "pulumi");
    fs.writeFileSync(file, `#!/bin/sh\necho "$@" > "${record}"\ncat Pulumi.yaml >> "${record}"\n${body}\n`, { mode: 0o755 });
    return file;
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "outputs-reader-test-"));
    record = path.join(dir, "record");
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("runs `pulumi stack output --json --stack <env>` beside the serving project's Pulumi.yaml, and checks the outputs", async () => {
    const read = pulumiServingOutputs({ pulumi: fakeCli(`echo '${JSON.stringify(OUTPUTS)}'`) });
    assert.deepEqual(await read("dev"), OUTPUTS);
    assert.equal(fs.readFileSync(record, "utf8"), "stack output --json --non-interactive --stack dev\nname: ml-pipeline-serving\nruntime: nodejs\n");
  });

  it("no serving stack, or one without outputs, serves nothing", async () => {
    assert.equal(await pulumiServingOutputs({ pulumi: fakeCli(`echo "error: no stack named 'dev' found" >&2; exit 255`) })("dev"), undefined);
    assert.equal(await pulumiServingOutputs({ pulumi: fakeCli("echo '{}'") })("dev"), undefined);
  });

  it("outputs this program did not write are a UsageError naming the stack", async () => {
    const read = pulumiServingOutputs({ pulumi: fakeCli(`echo '${JSON.stringify({ ...OUTPUTS, mode: "fast" })}'`) });
    await assert.rejects(read("dev"), (e: Error) => e instanceof UsageError && /ml-pipeline-serving\/dev lacks the serving outputs/.test(e.message));
  });

  it("another failure is an OperationError with the CLI's last line; a CLI that does not answer in time is killed", async () => {
    await assert.rejects(pulumiServingOutputs({ pulumi: fakeCli(`echo "error: PULUMI_CONFIG_PASSPHRASE must be set" >&2; exit 255`) })("dev"), (e: Error) => e instanceof OperationError && /failed: error: PULUMI_CONFIG_PASSPHRASE must be set/.test(e.message));
    const started = Date.now();
    await assert.rejects(pulumiServingOutputs({ pulumi: fakeCli("exec sleep 5"), timeoutMs: 300 })("dev"), (e: Error) => e instanceof OperationError && /did not answer within 0.3 s/.test(e.message));
    assert.ok(Date.now() - started < 3000, "it gave up at the timeout");
  });

  it("no Pulumi CLI is the install hint; the scratch folders are removed", async () => {
    await assert.rejects(pulumiServingOutputs({ pulumi: path.join(dir, "missing-pulumi") })("dev"), (e: Error) => e instanceof UsageError && e.message === PULUMI_CLI_HINT);
    const left = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("ml-pipeline-serving-outputs-"));
    assert.deepEqual(left.filter((f) => fs.statSync(path.join(os.tmpdir(), f)).mtimeMs > Date.now() - 60_000), []);
  });

  it("names the project infra/serving deploys", () => {
    const { SERVING_PROJECT } = require("../../infra/serving/program") as typeof import("../../infra/serving/program");
    assert.equal(SERVING_PROJECT_NAME, SERVING_PROJECT);
  });
});
