/**
 * The Automation API wrapper's handling of what the engine says, with fakes: whole lines, the `error:`
 * diagnostics and the policies' own messages, the preview before every up, the destroy plan read from the
 * state, and the lock of an update killed before Pulumi could cancel it. tests/engine runs the same on
 * the real engine.
 */
import { strict as assert } from "node:assert";
import * as automation from "@pulumi/pulumi/automation";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { OperationError, UsageError } from "../../automation/core/errors";
import { changedNothing, describeChanges } from "../../automation/deploy/changes";
import { assertDestroyable, bucketsThatMustBeEmpty, DestroyBlockedError, planDestroy } from "../../automation/deploy/destroyPlan";
import { EngineEvents, errorLinesOf } from "../../automation/deploy/engineEvents";
import { lineWriter } from "../../automation/deploy/output";
import { AutomationStack, PolicyViolationError, translate, type AutomationApiStack } from "../../automation/deploy/stack";

const signal = new AbortController().signal;
const URN = {
  bucket: "urn:pulumi:prod::ml-pipeline::ml-pipeline:storage:ArtifactStore$aws:s3/bucket:Bucket::artifacts",
  group: "urn:pulumi:prod::ml-pipeline::ml-pipeline:sagemaker:ModelRegistry$aws-native:sagemaker:ModelPackageGroup::model-registry",
  pipeline: "urn:pulumi:prod::ml-pipeline::ml-pipeline:sagemaker:TrainingPipeline$aws-native:sagemaker:Pipeline::training-pipeline",
  policy: "urn:pulumi:prod::ml-pipeline::ml-pipeline:storage:ArtifactStore$aws:s3/bucketPolicy:BucketPolicy::artifacts-policy",
};

let sequence = 0;
const event = (body: Omit<EngineEvent, "sequence" | "timestamp">): EngineEvent => ({ sequence: sequence++, timestamp: 0, ...body });
const policyEvent = (policyName: string, message: string, enforcementLevel: string, resourceUrn?: string): EngineEvent =>
  event({
    policyEvent: {
      policyName,
      message,
      enforcementLevel: enforcementLevel as "mandatory",
      color: "never",
      policyPackName: "ml-pipeline-guardrails",
      policyPackVersion: "1.0.0",
      policyPackVersionTag: "1.0.0",
      ...(resourceUrn ? { resourceUrn } : {}),
    },
  });
const errorEvent = (message: string, urn?: string): EngineEvent => event({ diagnosticEvent: { message, color: "never", severity: "error", ...(urn ? { urn } : {}) } });

/** Pulumi's own classifier of CLI failures (what LocalWorkspace throws). */
const commandError = (stderr: string, stdout = ""): Error =>
  (automation as unknown as { createCommandError(r: { stderr: string; stdout: string; code: number; toString(): string }): Error }).createCommandError({
    stderr,
    stdout,
    code: 255,
    toString: () => `code: 255\n stdout: ${stdout}\n stderr: ${stderr}`,
  });

describe("deploy: the engine's output as whole lines (finding 4)", () => {
  it("joins chunks into lines and drops the progress dots", () => {
    const lines: string[] = [];
    const out = lineWriter((l) => lines.push(l));
    for (const chunk of ["Updating (dev):\n", "@ updating....", ".", ".", "\n +  aws:s3:Bucket artifacts ", "creating (0s) \n", "\nResources:\n    + 1 created", "\n", "Duration: 1s"]) out.write(chunk);
    out.flush();
    assert.deepEqual(lines, ["Updating (dev):", " +  aws:s3:Bucket artifacts creating (0s)", "Resources:", "    + 1 created", "Duration: 1s"]);
  });

  it("says an unchanged stack has no changes, and counts what changed first", () => {
    assert.equal(describeChanges({ same: 34 }), "no changes (34 unchanged)");
    assert.equal(describeChanges({ create: 0, same: 0 }), "no changes");
    assert.equal(describeChanges({ update: 8, same: 40 }), "8 update (40 unchanged)");
    assert.equal(describeChanges({ create: 34 }), "34 create");
    assert.ok(changedNothing({ same: 34, create: 0 }));
    assert.ok(!changedNothing({ same: 33, replace: 1 }));
  });
});

describe("deploy: failures say what the engine said (finding 1)", () => {
  it("keeps the `error:` lines and their continuation, never the closing resource summary", () => {
    const stdout = [
      "Updating (prod):",
      " -  aws:s3:Bucket artifacts deleted (0.01s)",
      "Diagnostics:",
      "  aws-native:sagemaker:ModelPackageGroup (model-registry):",
      '    error: resource "urn:...::model-registry" cannot be deleted',
      "    because it is protected.",
      "  pulumi:pulumi:Stack (ml-pipeline-prod):",
      "    error: update failed",
      "Resources:",
      "    - 44 deleted",
      "    2 errored",
    ].join("\n");
    const error = translate(commandError("", stdout), "prod");
    assert.ok(error instanceof OperationError);
    assert.match(error.message, /cannot be deleted\n {2}because it is protected\./);
    assert.doesNotMatch(error.message, /44 deleted|errored|update failed/);
  });

  it("with the engine's events: each error diagnostic with its resource", () => {
    const events = new EngineEvents();
    events.onEvent(errorEvent("update failed"));
    events.onEvent(errorEvent('resource "x" cannot be deleted\nbecause it is protected', URN.group));
    const error = translate(commandError("error: update failed", "Resources:\n    + 34 to create"), "prod", events);
    assert.equal(error.message, 'pulumi failed for stack "prod": model-registry (aws-native:sagemaker:ModelPackageGroup): resource "x" cannot be deleted\nbecause it is protected');
  });

  it("a mandatory policy violation is a usage error with the rule's own message, when nothing changed", () => {
    const events = new EngineEvents();
    events.onEvent(policyEvent("no-force-destroy-in-production", "No resource of a production stack sets forceDestroy.\nartifacts sets forceDestroy in production stack \"prod\". Fix: set ml-pipeline:bucket.forceDestroy to false.\n", "mandatory", URN.bucket));
    events.onEvent(errorEvent("preview failed"));
    const error = translate(commandError("error: preview failed", "Resources:\n    + 34 to create"), "prod", events);
    assert.ok(error instanceof PolicyViolationError && error instanceof UsageError);
    assert.match(error.message, /no-force-destroy-in-production on artifacts \(aws:s3\/bucket:Bucket\): artifacts sets forceDestroy in production stack "prod"\. Fix: set ml-pipeline:bucket\.forceDestroy to false\./);
    assert.doesNotMatch(error.message, /to create/);
  });

  it("a violation found after the update changed something is an operational failure saying so", () => {
    const events = new EngineEvents();
    events.onEvent(event({ resOutputsEvent: { metadata: { op: "create", urn: URN.bucket, type: "aws:s3/bucket:Bucket", provider: "" } } }));
    events.onEvent(policyEvent("sagemaker-pipeline-uses-execution-role", "desc\ntraining-pipeline runs as role x", "mandatory", URN.pipeline));
    const error = translate(commandError("error: update failed"), "dev", events);
    assert.ok(error instanceof OperationError);
    assert.match(error.message, /stopped the update of stack "dev" after 1 change\(s\)/);
  });

  it("a CLI killed by a signal is an interruption", () => {
    const killed = commandError("Command was killed with SIGINT (User interruption with CTRL-C): pulumi up");
    assert.match(translate(killed, "dev").message, /the Pulumi operation on stack "dev" was interrupted \(SIGINT\)/);
  });

  it("errorLinesOf falls back to the last lines when there is no error line", () => {
    assert.deepEqual(errorLinesOf("a\nb\nc", 2), ["b", "c"]);
  });
});

describe("deploy: up previews first (policy gate, finding 5)", () => {
  const fakeStack = (preview: () => Promise<unknown>, calls: string[]) =>
    ({
      preview: async (o: { onEvent?: (e: EngineEvent) => void; onOutput?: (s: string) => void; diff?: boolean; policyPacks?: string[] }) => {
        calls.push(`preview diff=${String(o.diff)} packs=${(o.policyPacks ?? []).join(",")}`);
        return preview.call(o);
      },
      up: async () => {
        calls.push("up");
        return { stdout: "", stderr: "", summary: { resourceChanges: { create: 1 } }, outputs: {} };
      },
      cancel: async () => void calls.push("cancel"),
    }) as unknown as AutomationApiStack;

  it("refuses a mandatory violation in the preview before the update starts: nothing changed, exit 2", async () => {
    const calls: string[] = [];
    let onEvent: ((e: EngineEvent) => void) | undefined;
    const stack = {
      ...fakeStack(async () => {
        onEvent?.(policyEvent("s3-versioning-enabled", "desc\nartifacts-versioning sets versioning status \"Suspended\"", "mandatory", URN.bucket));
        throw commandError("error: preview failed");
      }, calls),
      preview: async (o: { onEvent?: (e: EngineEvent) => void; policyPacks?: string[] }) => {
        onEvent = o.onEvent;
        calls.push(`preview packs=${(o.policyPacks ?? []).join(",")}`);
        onEvent?.(policyEvent("s3-versioning-enabled", "desc\nartifacts-versioning sets versioning status \"Suspended\"", "mandatory", URN.bucket));
        throw commandError("error: preview failed");
      },
    } as unknown as AutomationApiStack;
    let started = false;
    await assert.rejects(
      new AutomationStack(stack, "dev").up({ onOutput: () => undefined, signal, policyPacks: ["policy"], onUpdateStart: () => (started = true) }),
      (e: unknown) => e instanceof PolicyViolationError && /s3-versioning-enabled on artifacts/.test(e.message),
    );
    assert.deepEqual(calls, ["preview packs=policy"]);
    assert.equal(started, false, "the update never started");
  });

  it("says which mandatory checks the preview could not run, then updates", async () => {
    const calls: string[] = [];
    const lines: string[] = [];
    const stack = fakeStack(async function (this: { onEvent?: (e: EngineEvent) => void }) {
      this.onEvent?.(policyEvent("sagemaker-pipeline-uses-execution-role", "can't run policy 'sagemaker-pipeline-uses-execution-role' from policy pack 'ml-pipeline-guardrails@v1.0.0' during preview: string value at .roleArn can't be known during preview\n", "advisory", URN.pipeline));
      return { stdout: "", stderr: "", changeSummary: { create: 34 } };
    }, calls);
    let startedAfter: string[] = [];
    await new AutomationStack(stack, "dev").up({ onOutput: (l) => lines.push(l), signal, policyPacks: ["policy"], onUpdateStart: () => (startedAfter = [...calls]) });
    assert.deepEqual(calls, ["preview diff=false packs=policy", "up"]);
    assert.deepEqual(startedAfter, ["preview diff=false packs=policy"], "onUpdateStart once the preview passed");
    assert.match(lines.join("\n"), /could not run 1 mandatory check\(s\) in this preview.*sagemaker-pipeline-uses-execution-role on training-pipeline \(aws-native:sagemaker:Pipeline\)/);
    const preview = await new AutomationStack(stack, "dev").preview({ onOutput: () => undefined, signal });
    assert.deepEqual(preview.skippedPolicyChecks?.map((s) => s.policy), ["sagemaker-pipeline-uses-execution-role"]);
    assert.equal(calls.at(-1), "preview diff=true packs=", "--preview shows the diff");
  });

  it("releases the lock of an update killed after it took it, and only then", async () => {
    const killed = () => commandError("Command was killed with SIGINT (User interruption with CTRL-C): pulumi up");
    for (const [printed, expected] of [
      ["Updating (dev):\n", ["preview", "up", "cancel"]],
      ["", ["preview", "up"]],
    ] as const) {
      const calls: string[] = [];
      const stack = {
        preview: async () => (calls.push("preview"), { changeSummary: { update: 1 } }),
        up: async (o: { onOutput?: (s: string) => void }) => {
          calls.push("up");
          o.onOutput?.(printed);
          throw killed();
        },
        cancel: async () => void calls.push("cancel"),
      } as unknown as AutomationApiStack;
      const lines: string[] = [];
      await assert.rejects(new AutomationStack(stack, "dev").up({ onOutput: (l) => lines.push(l), signal }), /was interrupted \(SIGINT\)/);
      assert.deepEqual(calls, expected);
      if (printed) assert.match(lines.join("\n"), /its lock was released \(pulumi cancel\)/);
    }
  });
});

describe("deploy: the destroy plan comes from the state (findings 2 and 3)", () => {
  const resource = (urn: string, extra: Record<string, unknown>) => ({ urn, type: urn.split("::")[2]!.split("$").pop(), custom: true, ...extra });
  const exported = (protect: boolean, forceDestroy: boolean) => ({
    version: 3,
    deployment: {
      resources: [
        { urn: "urn:pulumi:prod::ml-pipeline::pulumi:pulumi:Stack::ml-pipeline-prod", type: "pulumi:pulumi:Stack", custom: false },
        resource("urn:pulumi:prod::ml-pipeline::pulumi:providers:aws::aws", { id: "p" }),
        resource(URN.bucket, { id: "b1", inputs: { bucket: "b1", forceDestroy }, outputs: { bucket: "b1" } }),
        resource("urn:pulumi:prod::ml-pipeline::ml-pipeline:sagemaker:TrainingPipeline$aws:s3/bucketObjectv2:BucketObjectv2::code", { inputs: { bucket: "b1", key: "code/x" }, retainOnDelete: true }),
        resource(URN.group, { id: "arn:g", inputs: { modelPackageGroupName: "g" }, outputs: { modelPackageGroupArn: "arn:g" }, protect, retainOnDelete: true }),
        resource(URN.pipeline, { id: "pl", inputs: { pipelineName: "pl" } }),
      ],
    },
  });

  it("lists protected and retained resources, buckets and groups as deployed", () => {
    const plan = planDestroy(exported(true, false));
    assert.deepEqual(plan.protected.map((r) => r.name), ["model-registry"]);
    assert.deepEqual(plan.retained.map((r) => r.name).sort(), ["code", "model-registry"]);
    assert.deepEqual(plan.deletes.map((r) => r.name).sort(), ["artifacts", "training-pipeline"]);
    assert.deepEqual(plan.buckets, [{ urn: URN.bucket, name: "b1", forceDestroy: false, retainedObjects: 1, protect: false, retainOnDelete: false }]);
    assert.deepEqual(plan.modelPackageGroups, [{ urn: URN.group, name: "g", arn: "arn:g", protect: true, retainOnDelete: true }]);
    assert.deepEqual(bucketsThatMustBeEmpty(plan).map((b) => b.name), ["b1"]);
    assert.deepEqual(bucketsThatMustBeEmpty(planDestroy(exported(false, true))), [], "forceDestroy in the state empties the bucket");
  });

  it("a protected resource in the state refuses the destroy with the fix, whatever the YAML says", async () => {
    assert.throws(() => assertDestroyable(planDestroy(exported(true, false)), "prod"), (e: unknown) => {
      assert.ok(e instanceof DestroyBlockedError && e instanceof UsageError);
      assert.match(e.message, /destroy of "prod" refused before deleting anything: its state protects model-registry \(aws-native:sagemaker:ModelPackageGroup, arn:g\)/);
      assert.match(e.message, /set ml-pipeline:registry\.protect: false in Pulumi\.prod\.yaml and run `npm run automate -- up --env prod`/);
      return true;
    });
    assert.doesNotThrow(() => assertDestroyable(planDestroy(exported(false, false)), "prod"));
    const stack = { exportStack: async () => exported(true, true) } as unknown as AutomationApiStack;
    assert.deepEqual((await new AutomationStack(stack, "prod").destroyPlan()).protected.map((r) => r.name), ["model-registry"]);
  });

  it("an empty or odd export is an empty plan", () => {
    for (const odd of [undefined, {}, { deployment: {} }, { deployment: { resources: [null, 3, { urn: 1 }] } }]) assert.deepEqual(planDestroy(odd).resources, []);
  });
});
