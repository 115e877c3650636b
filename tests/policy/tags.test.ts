/**
 * How `required-tags` treats the places a tag can come from (own tags, `tagsAll`, the provider's
 * `defaultTags`), values unknown during preview, and which types count as taggable (checked against the
 * SDK's own declarations).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import * as proxyModule from "@pulumi/policy/proxy";
import type { PolicyProviderResource } from "@pulumi/policy";
import { program } from "../../infra/program";
import { requiredTags } from "../../policy/policies";
import { T, TAGGABLE_TYPES, UNTAGGABLE_TYPES } from "../../policy/resourceTypes";
import { REPO_ROOT, runUnderMocks, stackConfigFile } from "../harness/pulumiMocks";
import { checkResource, fake } from "./harness";

/** The policy server's proxy, which throws when a policy reads a value unknown during preview. */
const proxy = proxyModule as unknown as { unknownCheckingProxy<T extends object>(value: T): T; unknownObjectValue: unknown; unknownStringValue: unknown };

const ALL = { project: "ml-pipeline", env: "dev", owner: "ml-platform-team" };
const awsProvider = (defaultTags?: unknown): PolicyProviderResource => ({
  type: "pulumi:providers:aws",
  name: "aws",
  urn: "urn:pulumi:dev::ml-pipeline::pulumi:providers:aws::aws",
  props: defaultTags === undefined ? { region: "us-east-1" } : { region: "us-east-1", defaultTags },
});
const object = (props: Record<string, unknown>, provider?: PolicyProviderResource) =>
  fake("dev", T.bucketObjectV2, "code", { bucket: "b", key: "k", ...props }, provider ? { provider } : {});

describe("required-tags: where a tag may come from", () => {
  const cases: { title: string; props: Record<string, unknown>; provider?: PolicyProviderResource; missing: string[] }[] = [
    { title: "own tags", props: { tags: ALL }, missing: [] },
    { title: "tagsAll only (aws classic preview of provider defaultTags)", props: { tagsAll: ALL }, missing: [] },
    { title: "provider defaultTags as the engine passes them (JSON text)", props: {}, provider: awsProvider(JSON.stringify({ tags: ALL })), missing: [] },
    { title: "provider defaultTags as an object", props: {}, provider: awsProvider({ tags: ALL }), missing: [] },
    { title: "own tags, tagsAll and defaultTags together", props: { tags: { project: "p" }, tagsAll: { env: "dev" } }, provider: awsProvider({ tags: { owner: "o" } }), missing: [] },
    { title: "nothing anywhere", props: {}, provider: awsProvider(), missing: ["project", "env", "owner"] },
    { title: "no provider information at all", props: { tags: { project: "p" } }, missing: ["env", "owner"] },
    { title: "an empty value does not count", props: { tags: { ...ALL, owner: "" } }, provider: awsProvider(), missing: ["owner"] },
  ];
  for (const c of cases) {
    it(`${c.title}: ${c.missing.length === 0 ? "passes" : `missing ${c.missing.join(", ")}`}`, async () => {
      const messages = await checkResource(requiredTags, object(c.props, c.provider));
      if (c.missing.length === 0) return assert.deepEqual(messages, []);
      assert.equal(messages.length, 1);
      assert.match(messages[0]!, new RegExp(`lacks the tags? ${c.missing.join(", ")} \\(looked at tags, the provider's defaultTags and tagsAll\\)\\. Fix: set ${c.missing.join(", ")} in its tags or in its provider's defaultTags`));
    });
  }

  it("aws-native {key, value} lists count, and so does the aws-native provider's defaultTags", async () => {
    const group = (tags: unknown, provider?: PolicyProviderResource) =>
      fake("dev", T.nativeModelPackageGroup, "g", { modelPackageGroupName: "g", tags }, provider ? { provider } : {});
    const list = Object.entries(ALL).map(([key, value]) => ({ key, value }));
    assert.deepEqual(await checkResource(requiredTags, group(list)), []);
    const nativeProvider: PolicyProviderResource = { ...awsProvider(JSON.stringify({ tags: { owner: "o" } })), type: "pulumi:providers:aws-native" };
    assert.deepEqual(await checkResource(requiredTags, group(list.filter((t) => t.key !== "owner"), nativeProvider)), []);
    assert.equal((await checkResource(requiredTags, group(list.filter((t) => t.key !== "owner")))).length, 1);
  });

  it("skips resources that cannot carry tags, providers and components", async () => {
    for (const r of [
      fake("dev", T.publicAccessBlock, "pab", { bucket: "b" }),
      fake("dev", T.rolePolicy, "rp", { role: "r", policy: "{}" }),
      fake("dev", "pulumi:providers:aws", "aws", { region: "us-east-1" }),
      fake("dev", "ml-pipeline:storage:ArtifactStore", "artifacts", { tags: {} }),
    ]) {
      assert.deepEqual(await checkResource(requiredTags, r), [], r.type);
    }
  });

  it("checks a type it does not know only when it was given tags", async () => {
    assert.deepEqual(await checkResource(requiredTags, fake("dev", "aws:glue/job:Job", "j", {})), []);
    assert.equal((await checkResource(requiredTags, fake("dev", "aws:glue/job:Job", "j", { tags: { project: "p" } }))).length, 1);
  });

  it("a value unknown during preview is not a violation: the server reports it as advisory and the check runs again on up", async () => {
    const unknownTags = fake("dev", T.bucket, "b", proxy.unknownCheckingProxy({ bucket: "b", tags: proxy.unknownObjectValue }));
    await assert.rejects(checkResource(requiredTags, unknownTags), (e: Error) => e.constructor.name === "UnknownValueError");
    // Own tags, or own tags plus the provider's defaultTags, that hold every required key never touch an unknown tagsAll.
    const knownTags = fake("dev", T.bucket, "b", proxy.unknownCheckingProxy({ bucket: "b", tags: ALL, tagsAll: proxy.unknownObjectValue }));
    assert.deepEqual(await checkResource(requiredTags, knownTags), []);
    const unknownTagsAll = () => proxy.unknownCheckingProxy({ bucket: "b", key: "k", tagsAll: proxy.unknownObjectValue });
    const viaProvider = fake("dev", T.bucketObjectV2, "code", unknownTagsAll(), { provider: awsProvider(JSON.stringify({ tags: ALL })) });
    assert.deepEqual(await checkResource(requiredTags, viaProvider), []);
    // Nothing known supplies them: the unknown tagsAll decides, so the check waits for up.
    const undecided = fake("dev", T.bucketObjectV2, "code", unknownTagsAll(), { provider: awsProvider() });
    await assert.rejects(checkResource(requiredTags, undecided), (e: Error) => e.constructor.name === "UnknownValueError");
  });
});

describe("policy resource types: the taggable lists match the SDKs", () => {
  /** `aws:s3/bucket:Bucket` -> @pulumi/aws/s3/bucket.d.ts; `aws-native:sagemaker:Pipeline` -> @pulumi/aws-native/sagemaker/pipeline.d.ts */
  function argsDeclaration(type: string): string {
    const [pkg, module, className] = type.split(":") as [string, string, string];
    const file = pkg === "aws" ? `${module}.d.ts` : `${module}/${className[0]!.toLowerCase()}${className.slice(1)}.d.ts`;
    const text = fs.readFileSync(path.join(REPO_ROOT, "node_modules", "@pulumi", pkg, file), "utf8");
    const start = text.indexOf(`export interface ${className}Args {`);
    assert.ok(start >= 0, `${className}Args not found for ${type}`);
    return text.slice(start, text.indexOf("\n}", start));
  }
  const hasTagsInput = (type: string) => /^\s*tags\?:/m.test(argsDeclaration(type));

  it("every type listed as taggable has a tags input, every untaggable one has none", () => {
    for (const type of TAGGABLE_TYPES) assert.ok(hasTagsInput(type), `${type} is listed taggable but has no tags input`);
    for (const type of UNTAGGABLE_TYPES) assert.ok(!hasTagsInput(type), `${type} is listed untaggable but has a tags input`);
  });

  it("every cloud resource type the program registers is classified", async () => {
    for (const stack of ["dev", "prod"]) {
      const run = await runUnderMocks(stack, stackConfigFile(stack), program);
      for (const type of new Set(run.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:")).map((r) => r.type))) {
        assert.ok(TAGGABLE_TYPES.has(type) || UNTAGGABLE_TYPES.has(type), `${type} is in neither TAGGABLE_TYPES nor UNTAGGABLE_TYPES (policy/resourceTypes.ts)`);
      }
    }
  });
});
