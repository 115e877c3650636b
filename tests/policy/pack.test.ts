/**
 * The policy pack as the Pulumi CLI runs it: `policyPackDirectories` points at a complete local pack, and
 * the pack starts through the SDK's own policy-pack host (`@pulumi/pulumi/cmd/run-policy-pack`, which
 * registers ts-node; package.json's main, pack.js, loads index.ts through the transpile cache instead, so
 * nothing is compiled at start), prints its gRPC port and answers the analyzer calls the CLI makes.
 * Traffic stays on 127.0.0.1.
 */
import { strict as assert } from "node:assert";
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct, type JavaScriptValue } from "google-protobuf/google/protobuf/struct_pb";
import { parse as parseYaml } from "yaml";
import { policyPackDirectories } from "../../policy/directories";
import { guardrailPolicies } from "../../policy/policies";
import { T } from "../../policy/resourceTypes";
import { REPO_ROOT } from "../harness/pulumiMocks";

const PACK = path.join(REPO_ROOT, "policy");

describe("policy pack: directories and metadata", () => {
  it("policyPackDirectories returns the absolute policy/ directory of the repository", () => {
    assert.deepEqual(policyPackDirectories(REPO_ROOT), [PACK]);
    assert.deepEqual(policyPackDirectories(path.join(REPO_ROOT, ".")), [PACK]);
  });

  it("fails with a clear message when given a directory without the pack", () => {
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), "no-pack-"));
    try {
      assert.throws(() => policyPackDirectories(elsewhere), /no policy pack at .*PulumiPolicy\.yaml is missing/);
    } finally {
      fs.rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("is a complete local pack: PulumiPolicy.yaml (nodejs runtime, description), package.json with a version and its main file", () => {
    const project = parseYaml(fs.readFileSync(path.join(PACK, "PulumiPolicy.yaml"), "utf8")) as Record<string, unknown>;
    assert.equal(project.runtime, "nodejs");
    assert.ok(typeof project.description === "string" && project.description.length > 20);
    const pkg = JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { version?: string; main?: string; dependencies?: object };
    assert.match(pkg.version ?? "", /^\d+\.\d+\.\d+$/);
    assert.ok(pkg.main && fs.existsSync(path.join(PACK, pkg.main)), "package.json main must exist");
    // Nothing to install in policy/: everything resolves from the repository's node_modules.
    assert.equal(pkg.dependencies, undefined);
  });

  it("policy names are unique, valid and every policy is mandatory", () => {
    const names = guardrailPolicies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of guardrailPolicies) {
      assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.notEqual(p.name, "all");
      assert.equal(p.enforcementLevel, "mandatory", p.name);
      assert.ok(p.description.length > 20, p.name);
    }
  });
});

function call<Req, Res>(method: (req: Req, cb: (err: grpc.ServiceError | null, res: Res) => void) => unknown, request: Req): Promise<Res> {
  return new Promise((resolve, reject) => method(request, (err, res) => (err ? reject(err) : resolve(res))));
}

const options = () => new pb.AnalyzerResourceOptions();
const struct = (value: Record<string, unknown>) => Struct.fromJavaScript(value as Record<string, JavaScriptValue>);

describe("policy pack: served the way the Pulumi CLI runs it", function () {
  this.timeout(30_000);
  let child: ChildProcess | undefined;
  let client: AnalyzerClient;
  let stderr = "";

  before(async () => {
    const host = require.resolve("@pulumi/pulumi/cmd/run-policy-pack");
    // The engine address is not used unless the pack logs through the engine; the pack dir is the program.
    const started = spawn(process.execPath, [host, "127.0.0.1:1", "."], { cwd: PACK, stdio: ["ignore", "pipe", "pipe"] });
    child = started;
    started.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const port = await new Promise<number>((resolve, reject) => {
      let out = "";
      started.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        const match = /^(\d+)\s*$/m.exec(out);
        if (match) resolve(Number(match[1]));
      });
      started.on("exit", (code) => reject(new Error(`policy pack exited with ${code} before serving:\n${stderr}`)));
    });
    client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  });

  after(() => {
    client?.close();
    if (child?.pid !== undefined && child.exitCode === null) child.kill();
  });

  it("reports every policy of the pack, all mandatory, with the package.json version", async () => {
    const info = await call<Empty, pb.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    assert.equal(info.getName(), "ml-pipeline-guardrails");
    assert.equal(info.getVersion(), (JSON.parse(fs.readFileSync(path.join(PACK, "package.json"), "utf8")) as { version: string }).version);
    const policies = info.getPoliciesList();
    assert.deepEqual(policies.map((p) => p.getName()), guardrailPolicies.map((p) => p.name));
    assert.ok(policies.every((p) => p.getEnforcementlevel() === pb.EnforcementLevel.MANDATORY));
  });

  it("analyze: a public access block with a flag off is a mandatory violation; the fixed one passes", async () => {
    const request = (props: Record<string, unknown>) =>
      new pb.AnalyzeRequest()
        .setType(T.publicAccessBlock)
        .setName("pab")
        .setUrn(`urn:pulumi:dev::ml-pipeline::${T.publicAccessBlock}::pab`)
        .setProperties(struct(props))
        .setOptions(options());
    const flags = { bucket: "b", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };
    const bad = await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(client.analyze.bind(client), request({ ...flags, restrictPublicBuckets: false }));
    const diagnostics = bad.getDiagnosticsList();
    assert.deepEqual(diagnostics.map((d) => d.getPolicyname()), ["s3-public-access-blocked"]);
    assert.equal(diagnostics[0]!.getEnforcementlevel(), pb.EnforcementLevel.MANDATORY);
    assert.match(diagnostics[0]!.getMessage(), /leaves restrictPublicBuckets off\. Fix:/);
    const good = await call<pb.AnalyzeRequest, pb.AnalyzeResponse>(client.analyze.bind(client), request(flags));
    assert.deepEqual(good.getDiagnosticsList().map((d) => d.getPolicyname()), []);
  });

  it("analyzeStack: a lone bucket lacks its four settings", async () => {
    const bucket = new pb.AnalyzerResource()
      .setType(T.bucket)
      .setName("lone")
      .setUrn(`urn:pulumi:dev::ml-pipeline::${T.bucket}::lone`)
      .setProperties(struct({ bucket: "lone-bucket", tags: { project: "p", env: "dev", owner: "o" } }))
      .setOptions(options());
    const response = await call<pb.AnalyzeStackRequest, pb.AnalyzeResponse>(client.analyzeStack.bind(client), new pb.AnalyzeStackRequest().setResourcesList([bucket]));
    assert.deepEqual(
      response.getDiagnosticsList().map((d) => d.getPolicyname()).sort(),
      ["s3-bucket-encryption", "s3-public-access-blocked", "s3-tls-only-bucket-policy", "s3-versioning-enabled"],
    );
  });
});
