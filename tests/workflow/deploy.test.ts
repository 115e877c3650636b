/**
 * .github/workflows/deploy.yml: deploy on approval. Its triggers, the untrusted payload checked before use
 * (the check step's own script run with good and hostile values), one environment per deploy (GitHub
 * environment, concurrency, OIDC), the exact deploy command, the summary upload, pinned actions, and
 * actionlint on the file and on broken copies.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { buildProgram } from "../../automation/cli/main";
import { World } from "../cli/fakes";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { DISPATCH_EVENT_TYPE } from "../../stack/events";
import { ACTIONLINT_MISSING, findActionlint, runActionlint } from "./actionlint";

const WORKFLOW = path.join(REPO_ROOT, ".github", "workflows", "deploy.yml");
const DEPLOY = 'npm run automate -- deploy --env "$DEPLOY_ENV" --version "$DEPLOY_VERSION" --summary serving.json';
/** configure-aws-credentials v6.0.0 (the release automate.yml's @v6 resolves to), pinned to its commit. */
const CONFIGURE_AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@8df5847569e6427dd6c4fb1cf565c83acfa8afa7";

interface Step {
  readonly id?: string;
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly env?: Record<string, string>;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly name?: string;
  readonly needs?: string;
  readonly environment?: unknown;
  readonly concurrency?: { group: string; "cancel-in-progress": boolean };
  readonly permissions: Record<string, string>;
  readonly outputs?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly steps: Step[];
}
interface Workflow {
  readonly on: {
    repository_dispatch?: { types?: string[] };
    workflow_dispatch?: { inputs?: Record<string, { type?: string; options?: string[]; required?: boolean }> };
  };
  readonly permissions: unknown;
  readonly jobs: { target: Job; deploy: Job };
}

const workflow = () => parseYaml(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
const checkStep = () => workflow().jobs.target.steps.find((s) => s.id === "check")!;

describe("workflow deploy.yml: structure", () => {
  it("runs on the model-approved repository_dispatch the approval rule sends, and on manual dispatch with env and version", () => {
    const w = workflow();
    assert.deepEqual(Object.keys(w.on).sort(), ["repository_dispatch", "workflow_dispatch"]);
    assert.deepEqual(w.on.repository_dispatch?.types, [DISPATCH_EVENT_TYPE]);
    const inputs = w.on.workflow_dispatch?.inputs ?? {};
    assert.deepEqual(inputs.environment?.options, ["dev", "staging", "prod"]);
    assert.equal(inputs.environment?.type, "choice");
    assert.equal(inputs.version?.required, true);
  });

  it("never puts an expression inside a script: payload and inputs reach run: through env only", () => {
    for (const job of Object.values(workflow().jobs)) {
      for (const step of job.steps.filter((s) => s.run)) assert.doesNotMatch(step.run!, /\$\{\{/, `${step.name ?? step.run}`);
    }
    const env = checkStep().env!;
    assert.equal(env.PAYLOAD_ENV, "${{ github.event.client_payload.env }}");
    assert.equal(env.PAYLOAD_VERSION, "${{ github.event.client_payload.version }}");
  });

  it("grants nothing by default, nothing to the check job, and id-token: write, contents: read to the deploy job", () => {
    const w = workflow();
    assert.deepEqual(w.permissions, {});
    assert.deepEqual(w.jobs.target.permissions, {});
    assert.deepEqual(w.jobs.deploy.permissions, { "id-token": "write", contents: "read" });
  });

  it("deploys only the checked values: GitHub environment (prod protection), concurrency group and command all use them", () => {
    const { target, deploy } = workflow().jobs;
    assert.equal(deploy.needs, "target");
    assert.deepEqual(target.outputs, { env: "${{ steps.check.outputs.env }}", version: "${{ steps.check.outputs.version }}" });
    assert.equal(deploy.environment, "${{ needs.target.outputs.env }}");
    assert.deepEqual(deploy.concurrency, { group: "deploy-${{ needs.target.outputs.env }}", "cancel-in-progress": false });
    assert.equal(deploy.env?.DEPLOY_ENV, "${{ needs.target.outputs.env }}");
    assert.equal(deploy.env?.DEPLOY_VERSION, "${{ needs.target.outputs.version }}");
    assert.ok(!JSON.stringify(deploy).includes("client_payload"), "the deploy job never reads the payload itself");
  });

  it("sets up Node 22, the Pulumi CLI of the SDK, AWS through OIDC (configure-aws-credentials pinned to a commit), npm ci, then deploys and uploads the summary", () => {
    const steps = workflow().jobs.deploy.steps;
    const at = (predicate: (s: Step) => boolean) => steps.findIndex(predicate);
    const uses = (action: string) => at((s) => s.uses?.split("@")[0] === action);
    assert.equal(String(steps[uses("actions/setup-node")]!.with?.["node-version"]), "22");
    const sdk = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
    assert.equal(String(steps[uses("pulumi/actions")]!.with?.["pulumi-version"]), sdk);
    const aws = steps[uses("aws-actions/configure-aws-credentials")]!;
    assert.equal(aws.uses, CONFIGURE_AWS_CREDENTIALS);
    assert.equal(aws.with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    for (const key of ["aws-access-key-id", "aws-secret-access-key"]) assert.equal(aws.with?.[key], undefined, "no long-lived keys");
    const order = [uses("actions/checkout"), uses("actions/setup-node"), uses("pulumi/actions"), uses("aws-actions/configure-aws-credentials"), at((s) => s.run?.startsWith("npm ci") === true), at((s) => s.run === DEPLOY), uses("actions/upload-artifact")];
    assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), `steps out of order: ${order.join(",")}`);
    const upload = steps[uses("actions/upload-artifact")]!;
    assert.match(upload.if ?? "", /always\(\)/);
    assert.equal(upload.with?.path, "serving.json");
    for (const step of steps.filter((s) => s.uses)) assert.match(step.uses!, /^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, step.uses);
  });

  it("runs a deploy command whose flags the CLI's deploy command defines (docs/architecture.md §8)", () => {
    const flags = DEPLOY.match(/--[a-z-]+/g) ?? [];
    assert.deepEqual(flags, ["--env", "--version", "--summary"]);
    const contract = fs.readFileSync(path.join(REPO_ROOT, "docs", "architecture.md"), "utf8");
    assert.match(contract, /npm run automate -- deploy --env <e> \[--version <n>/, "the serving contract names deploy --env --version");
    const world = new World();
    try {
      const program = buildProgram({ deps: world.deps(), print: () => undefined, setExitCode: () => undefined });
      const deploy = program.commands.find((c) => c.name() === "deploy");
      assert.ok(deploy, "the CLI has a deploy command");
      for (const flag of flags) assert.ok(deploy.options.some((o) => o.long === flag), `deploy defines no ${flag}`);
    } finally {
      world.cleanup();
    }
  });
});

describe("workflow deploy.yml: the check of the untrusted payload", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "deploy-check-"));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Runs the check step's script as GitHub would (bash -e), with the step's env filled in. */
  function check(event: string, values: { env?: string; version?: string; arn?: string }): { status: number | null; outputs: Record<string, string>; stdout: string } {
    const output = path.join(dir, `out-${Math.random().toString(36).slice(2)}`);
    const fromPayload = event === "repository_dispatch";
    const result = spawnSync("bash", ["-e", "-c", checkStep().run!], {
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        GITHUB_OUTPUT: output,
        GITHUB_STEP_SUMMARY: path.join(dir, "summary"),
        EVENT_NAME: event,
        PAYLOAD_ENV: fromPayload ? (values.env ?? "") : "",
        PAYLOAD_VERSION: fromPayload ? (values.version ?? "") : "",
        PAYLOAD_ARN: fromPayload ? (values.arn ?? "") : "",
        INPUT_ENV: fromPayload ? "" : (values.env ?? ""),
        INPUT_VERSION: fromPayload ? "" : (values.version ?? ""),
      },
    });
    const outputs = fs.existsSync(output) ? Object.fromEntries(fs.readFileSync(output, "utf8").trim().split("\n").map((l) => l.split("=") as [string, string])) : {};
    return { status: result.status, outputs, stdout: result.stdout };
  }

  it("passes env and version on from the payload or from the manual inputs", () => {
    const arn = "arn:aws:sagemaker:us-east-1:111111111111:model-package/ml-pipeline-prod-titanic-xgboost/12";
    assert.deepEqual(check("repository_dispatch", { env: "prod", version: "12", arn }).outputs, { env: "prod", version: "12" });
    assert.deepEqual(check("workflow_dispatch", { env: "staging", version: "3" }).outputs, { env: "staging", version: "3" });
  });

  for (const [title, values, says] of [
    ["an unknown environment", { env: "qa", version: "3" }, /environment must be dev, staging or prod/],
    ["an environment with a shell payload", { env: "dev$(touch pwned)", version: "3" }, /environment must be/],
    ["a version that is not digits", { env: "dev", version: "3; curl evil.example" }, /version must be/],
    ["a version of zero", { env: "dev", version: "0" }, /version must be/],
    ["no version", { env: "dev" }, /version must be/],
    ["an ARN of another version", { env: "dev", version: "3", arn: "arn:aws:sagemaker:us-east-1:111111111111:model-package/g/4" }, /not a model package ARN of version 3/],
  ] as const) {
    it(`refuses ${title}, writing no output`, () => {
      const result = check("repository_dispatch", values);
      assert.notEqual(result.status, 0);
      assert.match(result.stdout, says);
      assert.deepEqual(result.outputs, {});
      assert.ok(!fs.existsSync(path.join(process.cwd(), "pwned")), "nothing of the payload ran");
    });
  }
});

describe("workflow deploy.yml: actionlint", () => {
  const actionlint = findActionlint();
  let dir: string;
  before(function () {
    if (!actionlint) {
      console.warn(ACTIONLINT_MISSING);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-deploy-"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("passes on deploy.yml", () => {
    const result = runActionlint(actionlint!, WORKFLOW);
    assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  });

  const broken: { title: string; edit: (w: Record<string, Record<string, Record<string, unknown>>>) => void; expect: RegExp }[] = [
    { title: "an output of a job the deploy job does not need", edit: (w) => void (w.jobs!.deploy!.environment = "${{ needs.check.outputs.env }}"), expect: /check/ },
    { title: "an undefined step output", edit: (w) => void ((w.jobs!.target!.outputs as Record<string, string>).env = "${{ steps.resolve.outputs.env }}"), expect: /resolve/ },
    { title: "an undefined manual input", edit: (w) => void ((w.jobs!.target!.steps as Step[])[0]!.env!.INPUT_ENV = "${{ inputs.enviroment }}"), expect: /enviroment/ },
  ];
  for (const b of broken) {
    it(`fails on ${b.title}`, () => {
      const w = parseYaml(fs.readFileSync(WORKFLOW, "utf8")) as Record<string, Record<string, Record<string, unknown>>>;
      b.edit(w);
      const file = path.join(dir, `broken-${broken.indexOf(b)}.yml`);
      fs.writeFileSync(file, stringifyYaml(w));
      const result = runActionlint(actionlint!, file);
      assert.notEqual(result.status, 0, `actionlint accepted ${b.title}`);
      assert.match(result.stdout, b.expect);
    });
  }
});
