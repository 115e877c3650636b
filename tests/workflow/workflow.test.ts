/**
 * .github/workflows/automate.yml: structural checks of what the deploy workflow must do (triggers,
 * permissions, one deploy per environment at a time, OIDC, the exact automate command, the summary
 * upload), and, when the binary is available, actionlint (rhysd/actionlint v1.7.12) on the real file and
 * on broken copies to prove the linter catches mistakes.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { DEFAULT_DATA } from "../../automation/data/source";
import { buildProgram } from "../../automation/cli/main";
import { World } from "../cli/fakes";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { ACTIONLINT_MISSING, findActionlint, runActionlint } from "./actionlint";

const WORKFLOW = path.join(REPO_ROOT, ".github", "workflows", "automate.yml");
const AUTOMATE = 'npm run automate -- --env "$DEPLOY_ENV" --summary summary.json --timeout 100m';
/** dev on push; the dispatched environment otherwise. */
const ENV_EXPRESSION = "${{ github.event_name == 'workflow_dispatch' && inputs.environment || 'dev' }}";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly if?: string;
  readonly with?: Record<string, unknown>;
}
interface Job {
  readonly name: string;
  readonly "runs-on": string;
  readonly environment: unknown;
  readonly concurrency: { group: string; "cancel-in-progress": boolean };
  readonly permissions: Record<string, string>;
  readonly env: Record<string, string>;
  readonly steps: Step[];
  readonly "timeout-minutes"?: number;
}
interface Workflow {
  readonly on: { push?: { branches?: string[] }; workflow_dispatch?: { inputs?: Record<string, { type?: string; options?: string[]; required?: boolean; default?: string }> } };
  readonly permissions: unknown;
  readonly jobs: Record<string, Job>;
}

const workflow = () => parseYaml(fs.readFileSync(WORKFLOW, "utf8")) as Workflow;
const theJob = (w: Workflow): Job => {
  const jobs = Object.values(w.jobs);
  assert.equal(jobs.length, 1, "one deploy job");
  return jobs[0]!;
};
const stepUsing = (job: Job, action: string): Step => {
  const found = job.steps.filter((s) => s.uses?.split("@")[0] === action);
  assert.equal(found.length, 1, `exactly one step uses ${action}`);
  return found[0]!;
};
const indexOf = (job: Job, predicate: (s: Step) => boolean) => job.steps.findIndex(predicate);

describe("workflow automate.yml: structure", () => {
  it("runs on push to main (dev) and on manual dispatch for staging or prod", () => {
    const w = workflow();
    assert.deepEqual(w.on.push, { branches: ["main"] });
    const input = w.on.workflow_dispatch?.inputs?.environment;
    assert.equal(input?.type, "choice");
    assert.deepEqual(input?.options, ["staging", "prod"]);
    assert.equal(input?.required, true);
    assert.deepEqual(Object.keys(w.on).sort(), ["push", "workflow_dispatch"]);
  });

  it("grants no token permission by default and only id-token: write, contents: read to the job", () => {
    const w = workflow();
    assert.deepEqual(w.permissions, {});
    assert.deepEqual(theJob(w).permissions, { "id-token": "write", contents: "read" });
  });

  it("uses one environment expression for the GitHub environment, the concurrency group and the automate command", () => {
    const job = theJob(workflow());
    assert.equal(job.environment, ENV_EXPRESSION, "staging/prod protection comes from the GitHub environment");
    assert.equal(job.concurrency.group, `automate-${ENV_EXPRESSION}`);
    assert.equal(job.concurrency["cancel-in-progress"], false, "a running deploy is never cancelled (it would leave the stack locked)");
    assert.equal(job.env.DEPLOY_ENV, ENV_EXPRESSION);
  });

  it("sets up Node 22, the Pulumi CLI of the SDK's version, and AWS credentials through OIDC, in that order before the run", () => {
    const job = theJob(workflow());
    assert.equal(String(stepUsing(job, "actions/setup-node").with?.["node-version"]), "22");
    const pulumi = stepUsing(job, "pulumi/actions");
    assert.equal(pulumi.with?.command, undefined, "pulumi/actions only installs the CLI; the Automation API runs it");
    const sdk = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
    assert.equal(String(pulumi.with?.["pulumi-version"]), sdk);
    const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
    assert.equal(aws.with?.["role-to-assume"], "${{ vars.AWS_DEPLOY_ROLE_ARN }}");
    assert.ok(aws.with?.["aws-region"], "aws-region is required by the action");
    for (const key of ["aws-access-key-id", "aws-secret-access-key"]) assert.equal(aws.with?.[key], undefined, "no long-lived keys");
    const order = ["actions/checkout", "actions/setup-node", "pulumi/actions", "aws-actions/configure-aws-credentials"].map((a) => indexOf(job, (s) => s.uses?.split("@")[0] === a));
    const install = indexOf(job, (s) => s.run?.trim().startsWith("npm ci") === true);
    const run = indexOf(job, (s) => s.run?.trim() === AUTOMATE);
    assert.ok(order.every((i, n) => i >= 0 && (n === 0 || i > order[n - 1]!)), `setup steps out of order: ${order.join(",")}`);
    assert.ok(install > order[order.length - 1]! && run > install, "npm ci then automate, after the setup");
  });

  it("fetches the (never committed) training data over https into the default --data path before the run", () => {
    const job = theJob(workflow());
    const fetch = indexOf(job, (s) => s.run?.includes(`--output ${DEFAULT_DATA.split(path.sep).join("/")} `) === true);
    assert.ok(fetch >= 0 && fetch < indexOf(job, (s) => s.run?.trim() === AUTOMATE), "data step before the run");
    const step = job.steps[fetch]! as Step & { env?: Record<string, string> };
    assert.match(step.run!, /--proto '=https'/);
    assert.match(step.run!, /--fail/);
    assert.equal(step.env?.TITANIC_CSV_URL, "${{ secrets.TITANIC_CSV_URL }}");
  });

  it("runs exactly the automate command with flags the CLI defines, with the Pulumi backend from secrets", () => {
    const job = theJob(workflow());
    assert.equal(job.steps.filter((s) => s.run?.includes("npm run automate")).map((s) => s.run?.trim()).join("\n"), AUTOMATE);
    const world = new World();
    try {
      const program = buildProgram({ deps: world.deps(), print: () => undefined, setExitCode: () => undefined });
      const up = program.commands.find((c) => c.name() === "up")!;
      const flags = up.options.map((o) => o.long);
      for (const flag of AUTOMATE.match(/--[a-z-]+/g) ?? []) assert.ok(flags.includes(flag), `the CLI's up command defines no ${flag} option`);
    } finally {
      world.cleanup();
    }
    assert.equal(job.env.PULUMI_BACKEND_URL, "${{ secrets.PULUMI_BACKEND_URL }}");
    assert.equal(job.env.PULUMI_CONFIG_PASSPHRASE, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}");
  });

  it("uploads summary.json even when the run failed", () => {
    const job = theJob(workflow());
    const upload = stepUsing(job, "actions/upload-artifact");
    assert.match(upload.if ?? "", /always\(\)/);
    assert.equal(upload.with?.path, "summary.json");
    assert.ok(indexOf(job, (s) => s === upload) > indexOf(job, (s) => s.run?.trim() === AUTOMATE));
  });

  it("pins every action to a release (vN[.N[.N]]) or a commit, never a branch", () => {
    for (const step of theJob(workflow()).steps.filter((s) => s.uses)) {
      assert.match(step.uses!, /^[\w.-]+\/[\w.-]+@(v\d+(\.\d+){0,2}|[0-9a-f]{40})$/, step.uses);
    }
  });
});

describe("workflow automate.yml: actionlint", () => {
  const actionlint = findActionlint();
  let dir: string;
  before(function () {
    if (!actionlint) {
      console.warn(ACTIONLINT_MISSING);
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "actionlint-"));
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  const lint = (file: string) => runActionlint(actionlint!, file);

  it("passes on every workflow of .github/workflows (automate.yml, deploy.yml)", () => {
    const files = fs.readdirSync(path.dirname(WORKFLOW)).filter((f) => /\.ya?ml$/.test(f)).sort();
    assert.ok(files.includes("automate.yml") && files.includes("deploy.yml"), files.join(", "));
    for (const file of files) {
      const result = lint(path.join(path.dirname(WORKFLOW), file));
      assert.equal(result.status, 0, `${file}: ${result.stdout}${result.stderr}`);
    }
  });

  const broken: { title: string; edit: (w: Record<string, unknown>, job: Record<string, unknown>) => void; expect: RegExp }[] = [
    {
      title: "a missing required action input",
      edit: (_w, job) => {
        const step = (job.steps as Step[]).find((s) => s.uses?.startsWith("aws-actions/"))!;
        delete step.with!["aws-region"];
      },
      expect: /missing input "aws-region"/,
    },
    { title: "a misspelled job key", edit: (_w, job) => void ((job["run-on"] = job["runs-on"]), delete job["runs-on"]), expect: /run-on|runs-on/ },
    { title: "an undefined input in an expression", edit: (_w, job) => void (job.environment = "${{ inputs.enviroment || 'dev' }}"), expect: /enviroment/ },
  ];
  for (const b of broken) {
    it(`fails on ${b.title}`, () => {
      const w = parseYaml(fs.readFileSync(WORKFLOW, "utf8")) as Record<string, unknown>;
      b.edit(w, Object.values(w.jobs as Record<string, Record<string, unknown>>)[0]!);
      const file = path.join(dir, `broken-${broken.indexOf(b)}.yml`);
      fs.writeFileSync(file, stringifyYaml(w));
      const result = lint(file);
      assert.notEqual(result.status, 0, `actionlint accepted ${b.title}`);
      assert.match(result.stdout, b.expect);
    });
  }
});
