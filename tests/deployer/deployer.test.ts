/**
 * The deployer policy: it covers every AWS operation the driver's code calls (found by scanning
 * automation/ with the TypeScript parser, whatever it contains at test time), every resource type the
 * program declares, and the Cloud Control handler permissions; it is scoped to one environment; and
 * `Resource: "*"` appears only where IAM has no resource type.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { deployerPolicyFor } from "../../automation/cli/commands/deployerPolicy";
import { World } from "../cli/fakes";
import { pipelineArn, roleArn } from "../../stack/arns";
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { stackResourceNames } from "../../stack/naming";
import { CLOUD_CONTROL_ACTIONS, deployerPolicy, HANDLER_PERMISSIONS, MANAGED_RESOURCE_TYPES, s3Backend, SIDS } from "../../stack/iam/deployer";
import type { PolicyDocument } from "../../stack/iam/document";
import { lintPolicy, STAR_RESOURCE_ALLOWLIST } from "../../stack/iam/lint";
import { program } from "../../infra/program";
import { REPO_ROOT, runUnderMocks, stackConfigFile } from "../harness/pulumiMocks";
import { allows } from "./iamEval";
import { OPERATIONS, sampleResource } from "./operations";
import { scanFile, scanSdkCalls, type SdkCall } from "./sdkCalls";

const STACKS = ["dev", "staging", "prod"] as const;
const configOf = (stack: string, overrides: Record<string, unknown> = {}): StackConfig => parseStackConfig({ ...stackConfigFile(stack), ...overrides }, stack);
const DEPLOY_ROLE = "arn:aws:iam::111111111111:role/ml-pipeline-deployer";

/** Each env as committed, plus dev with a deploy role and a KMS key (the optional statements). */
const CONFIGS: readonly { readonly title: string; readonly config: StackConfig }[] = [
  ...STACKS.map((stack) => ({ title: stack, config: configOf(stack) })),
  {
    title: "dev with deployRoleArn and a KMS key",
    config: configOf("dev", {
      "ml-pipeline:deployRoleArn": DEPLOY_ROLE,
      "ml-pipeline:bucket": { ...(stackConfigFile("dev")["ml-pipeline:bucket"] as object), kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab" },
    }),
  },
];

const context = (config: StackConfig) => ({ "aws:RequestedRegion": config.region });
const statement = (policy: PolicyDocument, sid: string) => policy.Statement.find((s) => s.Sid === sid);

describe("deployer policy: covers what the driver calls", () => {
  const calls = scanSdkCalls(path.join(REPO_ROOT, "automation"));

  it("the scan finds the driver's SageMaker, S3 and STS calls", () => {
    const found = new Set(calls.map((c) => `${c.service}:${c.operation}`));
    for (const op of ["sagemaker:StartPipelineExecution", "sagemaker:DescribePipelineExecution", "sagemaker:ListPipelineExecutionSteps", "sagemaker:StopPipelineExecution", "s3:PutObject"]) {
      assert.ok(found.has(op), `the scan of automation/ did not find ${op}: the scanner is broken`);
    }
  });

  it("the scan finds serving's calls: the model package, the endpoint's status, the sample payload and InvokeEndpoint (loaded lazily)", () => {
    const inServing = calls.filter((c) => c.file.includes(`${path.sep}serving${path.sep}`)).map((c) => `${c.service}:${c.operation}`);
    for (const op of ["sagemaker:DescribeModelPackage", "sagemaker:DescribeEndpoint", "s3:GetObject", "sagemaker-runtime:InvokeEndpoint"]) {
      assert.ok(inServing.includes(op), `the scan of automation/aws/serving/ did not find ${op}`);
    }
  });

  it("serving's endpoint calls reach this environment's endpoint only", () => {
    const [dev, prod] = [configOf("dev"), configOf("prod")];
    const policy = deployerPolicy(dev);
    for (const action of ["sagemaker:InvokeEndpoint", "sagemaker:DescribeEndpoint"]) {
      assert.ok(allows(policy, action, sampleResource("endpoint", dev), context(dev)), `${action} on dev's endpoint`);
      assert.ok(!allows(policy, action, sampleResource("endpoint", prod), context(prod)), `${action} must not reach prod's endpoint`);
      assert.ok(!allows(policy, action, sampleResource("endpoint", dev).replace(/titanic$/, "other"), context(dev)), `${action} on another endpoint`);
    }
  });

  it("every operation found has a known IAM authorization (an unknown one fails here)", () => {
    const unknown = calls.filter((c) => !(`${c.service}:${c.operation}` in OPERATIONS));
    assert.deepEqual(
      unknown.map((c) => `${c.service}:${c.operation} (${path.relative(REPO_ROOT, c.file)}:${c.line})`),
      [],
      "add these operations to tests/deployer/operations.ts with their IAM action and resource, and grant them in stack/iam/deployer.ts",
    );
  });

  for (const { title, config } of CONFIGS) {
    it(`${title}: the policy allows each operation on the environment's resource`, () => {
      const policy = deployerPolicy(config);
      const missing: string[] = [];
      for (const call of calls) {
        const authorization = OPERATIONS[`${call.service}:${call.operation}`];
        if (!authorization || authorization.resource === "none") continue;
        if (authorization.resource === "deployRole" && !config.deployRoleArn) continue; // only called with a deploy role
        const resource = sampleResource(authorization.resource, config);
        for (const action of authorization.actions) {
          if (!allows(policy, action, resource, context(config))) missing.push(`${action} on ${resource} (${call.service}:${call.operation}, ${path.relative(REPO_ROOT, call.file)}:${call.line})`);
        }
      }
      assert.deepEqual(missing, []);
    });
  }
});

describe("deployer policy: covers what Pulumi manages", () => {
  for (const stack of ["dev", "prod"] as const) {
    it(`${stack}: every resource type the program declares has statements that exist in the policy`, async () => {
      const run = await runUnderMocks(stack, stackConfigFile(stack), program);
      const policy = deployerPolicy(configOf(stack));
      for (const type of new Set(run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type))) {
        const sids = MANAGED_RESOURCE_TYPES[type];
        assert.ok(sids, `${type} is declared by the program but missing from MANAGED_RESOURCE_TYPES (stack/iam/deployer.ts): grant what Pulumi needs to manage it`);
        for (const sid of sids) assert.ok(statement(policy, sid), `statement ${sid} (for ${type}) is missing`);
      }
    });
  }

  for (const { title, config } of CONFIGS) {
    it(`${title}: every Cloud Control handler permission is allowed on its resource`, () => {
      const policy = deployerPolicy(config);
      const names = stackResourceNames(config);
      const scope = { partition: config.partition, region: config.region, accountId: config.accountId };
      const resourceFor = (type: string, action: string): { resource: string; context: Record<string, string> } => {
        if (action === "iam:PassRole") return { resource: roleArn(scope, names.executionRole), context: { "iam:PassedToService": "sagemaker.amazonaws.com" } };
        if (action === "s3:GetObject") return { resource: sampleResource("object", config), context: {} };
        return { resource: type === "AWS::SageMaker::Pipeline" ? pipelineArn(scope, names.pipeline) : sampleResource("group", config), context: {} };
      };
      for (const [type, handlers] of Object.entries(HANDLER_PERMISSIONS)) {
        for (const action of Object.values(handlers).flat()) {
          const { resource, context: extra } = resourceFor(type, action);
          assert.ok(allows(policy, action, resource, { ...context(config), ...extra }), `${type}: ${action} on ${resource}`);
        }
      }
      for (const action of CLOUD_CONTROL_ACTIONS) assert.ok(allows(policy, action, "*", context(config)), action);
    });
  }
});

describe("deployer policy: least privilege", () => {
  for (const { title, config } of CONFIGS) {
    it(`${title}: lint-clean except the Cloud Control actions, which IAM only accepts on "*"`, () => {
      const policy = deployerPolicy(config);
      const findings = lintPolicy(policy);
      assert.deepEqual(findings.map((f) => `${f.sid}:${f.rule}`), [`${SIDS.cloudControl}:star-resource`]);
      for (const s of policy.Statement.filter((x) => x.Resource === "*" || (Array.isArray(x.Resource) && x.Resource.includes("*")))) {
        const actions = typeof s.Action === "string" ? [s.Action] : [...s.Action];
        assert.ok(
          actions.every((a) => a in STAR_RESOURCE_ALLOWLIST || CLOUD_CONTROL_ACTIONS.includes(a)),
          `${s.Sid} uses Resource "*" for ${actions.join(", ")}`,
        );
      }
      assert.deepEqual(statement(policy, SIDS.cloudControl)?.Condition, { StringEquals: { "aws:RequestedRegion": config.region } });
    });
  }

  it("grants nothing on another environment's resources, another role, or outside the region", () => {
    const dev = configOf("dev");
    const prod = configOf("prod");
    const policy = deployerPolicy(dev);
    for (const [action, kind] of [
      ["sagemaker:StartPipelineExecution", "pipeline"],
      ["sagemaker:UpdateModelPackage", "modelPackage"],
      ["s3:PutObject", "object"],
      ["s3:DeleteBucket", "bucket"],
    ] as const) {
      assert.ok(allows(policy, action, sampleResource(kind, dev), context(dev)), `${action} should be allowed in dev`);
      assert.ok(!allows(policy, action, sampleResource(kind, prod), context(prod)), `${action} must not reach prod`);
    }
    const devRole = roleArn({ partition: "aws", accountId: dev.accountId }, "ml-pipeline-dev-sagemaker-execution");
    assert.ok(!allows(policy, "iam:PassRole", devRole, { "iam:PassedToService": "lambda.amazonaws.com" }), "PassRole to another service");
    assert.ok(!allows(policy, "iam:PassRole", roleArn({ partition: "aws", accountId: dev.accountId }, "admin"), { "iam:PassedToService": "sagemaker.amazonaws.com" }), "PassRole of another role");
    assert.ok(!allows(policy, "iam:AttachRolePolicy", devRole), "the deployer cannot attach managed policies");
    assert.ok(!allows(policy, "cloudformation:CreateResource", "*", { "aws:RequestedRegion": "eu-west-1" }), "Cloud Control outside the stack's region");
    assert.equal(statement(policy, SIDS.assumeDeployRole), undefined, "no sts:AssumeRole without a deployRoleArn");
    assert.equal(statement(policy, SIDS.kms), undefined, "no KMS statement without a key");
  });

  it("job logs: reads (FilterLogEvents) the training and processing log groups of the env's account and region, nothing else", () => {
    const calls = scanFile(path.join(REPO_ROOT, "automation", "aws", "logsApi.ts"));
    assert.deepEqual(calls.map((c) => `${c.service}:${c.operation}`), ["cloudwatch-logs:FilterLogEvents"], "the scan finds executions logs' one CloudWatch Logs call");
    const dev = configOf("dev");
    const policy = deployerPolicy(dev);
    const group = (name: string, region = dev.region, account = dev.accountId) => `arn:aws:logs:${region}:${account}:log-group:${name}:*`;
    for (const name of ["/aws/sagemaker/TrainingJobs", "/aws/sagemaker/ProcessingJobs"]) {
      assert.ok(allows(policy, "logs:FilterLogEvents", group(name), context(dev)), name);
      assert.ok(!allows(policy, "logs:FilterLogEvents", group(name, "eu-west-1"), context(dev)), `${name} in another region`);
      assert.ok(!allows(policy, "logs:FilterLogEvents", group(name, dev.region, "222222222222"), context(dev)), `${name} in another account`);
      for (const action of ["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:PutLogEvents", "logs:GetLogEvents"]) {
        assert.ok(!allows(policy, action, group(name), context(dev)), `${action} on ${name}`);
      }
    }
    assert.ok(!allows(policy, "logs:FilterLogEvents", group("/aws/lambda/anything"), context(dev)), "another log group");
    assert.ok(!allows(policy, "logs:FilterLogEvents", group("/aws/sagemaker/Endpoints/x"), context(dev)), "SageMaker's other log groups");
  });

  it("the optional statements: deploy role, KMS key, S3 state backend", () => {
    const withExtras = CONFIGS[CONFIGS.length - 1]!.config;
    const policy = deployerPolicy(withExtras, { backendUrl: "s3://acme-pulumi-state/ml-pipeline/?region=us-east-1" });
    assert.ok(allows(policy, "sts:AssumeRole", DEPLOY_ROLE));
    assert.ok(allows(policy, "kms:GenerateDataKey", withExtras.bucket.kmsKeyArn!));
    assert.ok(allows(policy, "s3:PutObject", "arn:aws:s3:::acme-pulumi-state/ml-pipeline/.pulumi/stacks/ml-pipeline/dev.json"));
    assert.ok(allows(policy, "s3:ListBucket", "arn:aws:s3:::acme-pulumi-state"));
    assert.ok(!allows(policy, "s3:PutObject", "arn:aws:s3:::acme-pulumi-state/other-project/x"));
    assert.deepEqual(s3Backend("s3://b"), { bucket: "b", prefix: "" });
    assert.equal(s3Backend("file:///home/ci/.pulumi"), undefined);
    assert.equal(s3Backend("https://api.pulumi.com"), undefined);
  });
});

describe("deployer-policy command", () => {
  const world = new World();
  after(() => world.cleanup());
  const policyFor = (env: string, backendUrl?: string) => deployerPolicyFor(env, world.deps().openEnvironment, backendUrl);
  it("prints the pretty JSON policy of the env from its Pulumi.<env>.yaml", () => {
    const text = policyFor("staging", undefined);
    assert.ok(text.startsWith('{\n  "Version": "2012-10-17"'));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify(deployerPolicy(configOf("staging")))));
    assert.ok(text.includes(":222222222222:pipeline/ml-pipeline-staging-titanic-training"));
    assert.ok(policyFor("dev", "s3://state/x").includes(SIDS.stateObjects));
  });

  it("refuses the local target, lists and unknown environments with usage errors", () => {
    assert.throws(() => policyFor("local"), (e: Error) => e.name === "UsageError" && /needs no deployer policy/.test(e.message));
    assert.throws(() => policyFor("dev,prod"), (e: Error) => e.name === "UsageError" && /one environment/.test(e.message));
    assert.throws(() => policyFor("qa"), (e: Error) => e.name === "UsageError" && /unknown environment "qa"/.test(e.message));
  });
});

describe("SDK call scanner", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-scan-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const scan = (source: string): SdkCall[] => {
    const file = path.join(dir, `f${Math.random().toString(36).slice(2)}.ts`);
    fs.writeFileSync(file, source);
    return scanFile(file);
  };
  const ops = (calls: SdkCall[]) => calls.map((c) => `${c.service}:${c.operation}`).sort();

  it("finds commands (named, renamed and namespace imports), paginators, waiters and aggregated-client methods", () => {
    assert.deepEqual(
      ops(
        scan(`
          import { S3Client, ListObjectsV2Command as List, paginateListObjectsV2, type GetObjectCommandInput } from "@aws-sdk/client-s3";
          import * as sm from "@aws-sdk/client-sagemaker";
          import { STS } from "@aws-sdk/client-sts";
          import { waitUntilTrainingJobCompletedOrStopped } from "@aws-sdk/client-sagemaker";
          const s3 = new S3Client({});
          export const f = (x: GetObjectCommandInput) => [s3.send(new List({ Bucket: x.Bucket })), paginateListObjectsV2, waitUntilTrainingJobCompletedOrStopped];
          export const g = () => new sm.DescribeEndpointCommand({ EndpointName: "e" });
          export const h = () => new STS({}).getCallerIdentity({});
        `),
      ),
      ["s3:ListObjectsV2", "s3:ListObjectsV2", "sagemaker:DescribeEndpoint", "sagemaker:waiter:waitUntilTrainingJobCompletedOrStopped", "sts:GetCallerIdentity"],
    );
  });

  it("ignores type-only imports, clients and exception classes; an unmapped operation is reported, not skipped", () => {
    const calls = scan(`
      import type { StartPipelineExecutionCommand } from "@aws-sdk/client-sagemaker";
      import { SageMakerClient, ResourceNotFound, DeleteEndpointCommand } from "@aws-sdk/client-sagemaker";
      export const c = new SageMakerClient({});
      export const isMissing = (e: unknown) => e instanceof ResourceNotFound;
      export type T = StartPipelineExecutionCommand;
      export const d = () => c.send(new DeleteEndpointCommand({ EndpointName: "x" }));
    `);
    assert.deepEqual(ops(calls), ["sagemaker:DeleteEndpoint"]);
    assert.equal(OPERATIONS["sagemaker:DeleteEndpoint"], undefined, "DeleteEndpoint is not a driver operation (Pulumi deletes endpoints): the coverage test would fail on it");
  });

  it("reads a lazy load that destructures named exports like named imports (require, as typeof import, await import)", () => {
    assert.deepEqual(
      ops(
        scan(`
          import type { SageMakerRuntimeClient } from "@aws-sdk/client-sagemaker-runtime";
          export const invoke = (client: SageMakerRuntimeClient) => {
            const { InvokeEndpointCommand: Invoke } = require("@aws-sdk/client-sagemaker-runtime") as typeof import("@aws-sdk/client-sagemaker-runtime");
            return client.send(new Invoke({ EndpointName: "e", Body: new Uint8Array() }));
          };
          export const client = () => {
            const { SageMakerRuntimeClient } = require("@aws-sdk/client-sagemaker-runtime") as typeof import("@aws-sdk/client-sagemaker-runtime");
            return new SageMakerRuntimeClient({});
          };
          export async function stop() {
            const { StopPipelineExecutionCommand } = await import("@aws-sdk/client-sagemaker");
            return new StopPipelineExecutionCommand({ PipelineExecutionArn: "a" });
          }
        `),
      ),
      ["sagemaker-runtime:InvokeEndpoint", "sagemaker:StopPipelineExecution"],
    );
  });

  it("counts commands re-exported for other modules", () => {
    assert.deepEqual(ops(scan(`export { StopPipelineExecutionCommand, type DescribePipelineCommand } from "@aws-sdk/client-sagemaker";`)), ["sagemaker:StopPipelineExecution"]);
  });

  it("refuses what it cannot analyse: dynamic imports and export * of the SDK", () => {
    assert.throws(() => scan(`export * from "@aws-sdk/client-sagemaker";`), /export \* from @aws-sdk\/client-sagemaker cannot be analysed/);
    assert.throws(() => scan(`export const load = () => import("@aws-sdk/client-s3");`), /dynamic import of @aws-sdk\/client-s3 cannot be analysed/);
    assert.throws(() => scan(`const s3 = require("@aws-sdk/client-s3"); export default s3;`), /cannot be analysed/);
    assert.throws(() => scan(`export const f = async () => (await import("@aws-sdk/client-s3")).GetObjectCommand;`), /dynamic import of @aws-sdk\/client-s3 cannot be analysed/);
    assert.throws(() => scan(`const { S3Client, ...rest } = require("@aws-sdk/client-s3"); export { S3Client, rest };`), /a rest or computed element of @aws-sdk\/client-s3 cannot be analysed/);
  });
});
