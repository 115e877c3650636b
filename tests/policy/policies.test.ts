/**
 * The guardrail policies, run without the CLI: the real program (dev, staging, prod under mocks) passes
 * every policy; then one property of a good resource is broken at a time and exactly the intended policy
 * fires, with a message that says how to fix it.
 */
import { strict as assert } from "node:assert";
import { program } from "../../infra/program";
import { guardrailPolicies } from "../../policy/policies";
import { T } from "../../policy/resourceTypes";
import { runUnderMocks, stackConfigFile } from "../harness/pulumiMocks";
import { fake, fromProgram, runPack, urnOf, type FakeResource, type Violation } from "./harness";

const STACKS = ["dev", "staging", "prod"] as const;
const programs = new Map<string, FakeResource[]>();

async function programResources(stack: string): Promise<FakeResource[]> {
  if (!programs.has(stack)) programs.set(stack, fromProgram(await runUnderMocks(stack, stackConfigFile(stack), program)));
  return programs.get(stack)!.map((r) => structuredClone(r));
}

const policyNames = (violations: readonly Violation[]) => [...new Set(violations.map((v) => v.policy))].sort();

/** The one resource of `type` (and `name`, when given). */
function one(resources: FakeResource[], type: string, name?: string): FakeResource {
  const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
  assert.equal(found.length, 1, `expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0]!;
}

type Statement = Record<string, unknown>;
const editPolicy = (r: FakeResource, key: string, edit: (statements: Statement[]) => Statement[]) => {
  const document = JSON.parse(r.props[key] as string) as { Statement: Statement[] };
  r.props[key] = JSON.stringify({ ...document, Statement: edit(document.Statement) });
};

describe("policy pack: the real program passes every guardrail", () => {
  for (const stack of STACKS) {
    it(`${stack}: no violation, and the checked resource types are all there`, async () => {
      const resources = await programResources(stack);
      assert.deepEqual(await runPack(guardrailPolicies, resources), []);
      const types = new Set(resources.map((r) => r.type));
      for (const type of [T.bucket, T.publicAccessBlock, T.encryption, T.versioning, T.bucketPolicy, T.role, T.rolePolicy, T.nativePipeline, T.nativeModelPackageGroup, T.bucketObjectV2]) {
        assert.ok(types.has(type), `${stack} registers no ${type}: the guardrail tests would prove nothing about it`);
      }
    });
  }
});

interface Mutation {
  readonly title: string;
  readonly stack?: (typeof STACKS)[number];
  readonly mutate: (resources: FakeResource[]) => FakeResource[] | void;
  readonly policy: string;
  /** How the message must say to fix it. */
  readonly fix: RegExp;
  /** Resources (names) the violations are reported on; default: one violation. */
  readonly on?: readonly string[] | ((good: FakeResource[]) => string[]);
}

const without = (type: string) => (resources: FakeResource[]) => resources.filter((r) => r.type !== type);

const MUTATIONS: readonly Mutation[] = [
  // S3
  { title: "public access block with blockPublicPolicy false", mutate: (rs) => void (one(rs, T.publicAccessBlock).props.blockPublicPolicy = false), policy: "s3-public-access-blocked", fix: /set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true/ },
  { title: "public access block without ignorePublicAcls", mutate: (rs) => void delete one(rs, T.publicAccessBlock).props.ignorePublicAcls, policy: "s3-public-access-blocked", fix: /leaves ignorePublicAcls off/ },
  { title: "no public access block at all", mutate: without(T.publicAccessBlock), policy: "s3-public-access-blocked", fix: /add an aws\.s3\.BucketPublicAccessBlock/ },
  { title: "a public-read canned ACL on the bucket", mutate: (rs) => void (one(rs, T.bucket).props.acl = "public-read"), policy: "s3-public-access-blocked", fix: /remove the ACL/ },
  { title: "encryption algorithm that is not SSE", mutate: (rs) => void (one(rs, T.encryption).props.rules = [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "none" } }]), policy: "s3-bucket-encryption", fix: /sseAlgorithm to "AES256" or "aws:kms"/ },
  { title: "encryption configuration without rules", mutate: (rs) => void (one(rs, T.encryption).props.rules = []), policy: "s3-bucket-encryption", fix: /has no encryption rule/ },
  { title: "no encryption configuration at all", mutate: without(T.encryption), policy: "s3-bucket-encryption", fix: /add an aws\.s3\.BucketServerSideEncryptionConfiguration/ },
  { title: "versioning suspended", mutate: (rs) => void (one(rs, T.versioning).props.versioningConfiguration = { status: "Suspended" }), policy: "s3-versioning-enabled", fix: /status to "Enabled"/ },
  { title: "no versioning resource", mutate: without(T.versioning), policy: "s3-versioning-enabled", fix: /add an aws\.s3\.BucketVersioning/ },
  { title: "bucket policy without the TLS deny", mutate: (rs) => editPolicy(one(rs, T.bucketPolicy), "policy", (s) => s.filter((x) => x.Sid !== "DenyInsecureTransport")), policy: "s3-tls-only-bucket-policy", fix: /"aws:SecureTransport": "false"/ },
  {
    title: "TLS deny that only covers objects",
    mutate: (rs) => editPolicy(one(rs, T.bucketPolicy), "policy", (s) => s.map((x) => (x.Sid === "DenyInsecureTransport" ? { ...x, Resource: (x.Resource as string[]).filter((r) => r.endsWith("/*")) } : x))),
    policy: "s3-tls-only-bucket-policy",
    fix: /add the statement/,
  },
  {
    title: "TLS deny with the condition inverted",
    mutate: (rs) => editPolicy(one(rs, T.bucketPolicy), "policy", (s) => s.map((x) => (x.Sid === "DenyInsecureTransport" ? { ...x, Condition: { Bool: { "aws:SecureTransport": "true" } } } : x))),
    policy: "s3-tls-only-bucket-policy",
    fix: /add the statement/,
  },
  { title: "no bucket policy", mutate: without(T.bucketPolicy), policy: "s3-tls-only-bucket-policy", fix: /add an aws\.s3\.BucketPolicy with a Deny/ },
  { title: "forceDestroy in prod", stack: "prod", mutate: (rs) => void (one(rs, T.bucket).props.forceDestroy = true), policy: "no-force-destroy-in-production", fix: /set ml-pipeline:bucket\.forceDestroy to false in Pulumi\.prod\.yaml/ },
  // IAM
  {
    title: "a wildcard action in an inline policy",
    mutate: (rs) => editPolicy(one(rs, T.rolePolicy, "execution-role-artifact-bucket"), "policy", (s) => s.map((x) => (x.Sid === "ReadWriteObjects" ? { ...x, Action: "s3:*" } : x))),
    policy: "iam-no-wildcard-actions",
    fix: /name each action it needs/,
  },
  {
    title: "NotAction in an inline policy",
    mutate: (rs) => editPolicy(one(rs, T.rolePolicy, "execution-role-artifact-bucket"), "policy", (s) => s.map(({ Action, ...x }) => (x.Sid === "ListBucket" ? { ...x, NotAction: Action } : { ...x, Action }))),
    policy: "iam-no-wildcard-actions",
    fix: /list the actions it needs instead/,
  },
  {
    title: 'a write action on Resource "*"',
    mutate: (rs) => editPolicy(one(rs, T.rolePolicy, "execution-role-artifact-bucket"), "policy", (s) => s.map((x) => (x.Sid === "ReadWriteObjects" ? { ...x, Resource: "*" } : x))),
    policy: "iam-no-star-resource",
    fix: /scope it to ARNs/,
  },
  {
    title: 'a model registry resource policy on Resource "*"',
    mutate: (rs) => {
      one(rs, T.nativeModelPackageGroup).props.modelPackageGroupPolicy = {
        Version: "2012-10-17",
        Statement: [{ Sid: "Readers", Effect: "Allow", Principal: { AWS: "arn:aws:iam::444444444444:root" }, Action: "sagemaker:DescribeModelPackage", Resource: "*" }],
      };
    },
    policy: "iam-no-star-resource",
    fix: /scope it to ARNs/,
  },
  {
    title: "iam:PassRole without iam:PassedToService",
    mutate: (rs) => editPolicy(one(rs, T.rolePolicy, "execution-role-sagemaker-steps"), "policy", (s) => s.map(({ Condition, ...x }) => (x.Sid === "PassThisRoleToSageMakerJobs" ? x : { ...x, ...(Condition ? { Condition } : {}) }))),
    policy: "iam-passrole-requires-passed-to-service",
    fix: /add \{"StringEquals": \{"iam:PassedToService"/,
  },
  { title: "an inline policy that is not JSON", mutate: (rs) => void (one(rs, T.rolePolicy, "execution-role-observability").props.policy = "{not json"), policy: "iam-policy-document-valid", fix: /pass a JSON policy document/ },
  { title: "AmazonSageMakerFullAccess on the role", mutate: (rs) => void (one(rs, T.role).props.managedPolicyArns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]), policy: "iam-no-aws-managed-full-access", fix: /grant the few actions needed/ },
  {
    title: "AmazonS3FullAccess in RolePolicyAttachmentsExclusive",
    mutate: (rs) => void (one(rs, T.rolePolicyAttachmentsExclusive).props.policyArns = ["arn:aws:iam::aws:policy/AmazonS3FullAccess"]),
    policy: "iam-no-aws-managed-full-access",
    fix: /remove it/,
  },
  {
    title: "a RolePolicyAttachment of AdministratorAccess",
    mutate: (rs) => [...rs, fake("dev", T.rolePolicyAttachment, "admin", { role: "ml-pipeline-dev-sagemaker-execution", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" })],
    policy: "iam-no-aws-managed-full-access",
    fix: /remove it/,
    on: ["admin"],
  },
  // SageMaker
  {
    title: "the pipeline runs as another role of this account",
    mutate: (rs) => void (one(rs, T.nativePipeline).props.roleArn = "arn:aws:iam::111111111111:role/AmazonSageMaker-ExecutionRole-admin"),
    policy: "sagemaker-pipeline-uses-execution-role",
    fix: /ExecutionRole component's roleArn/,
    on: ["training-pipeline", "training-pipeline"],
  },
  {
    title: "the pipeline runs as a same-named role this stack does not manage",
    mutate: (rs) => void (one(rs, T.nativePipeline).props.roleArn = "arn:aws:iam::999999999999:role/ml-pipeline-dev-sagemaker-execution"),
    policy: "sagemaker-pipeline-uses-execution-role",
    fix: /pass the ExecutionRole component's roleArn/,
    on: ["training-pipeline"],
  },
  {
    title: "the execution role does not trust SageMaker",
    mutate: (rs) => editPolicy(one(rs, T.role), "assumeRolePolicy", (s) => s.map((x) => ({ ...x, Principal: { Service: "lambda.amazonaws.com" } }))),
    policy: "sagemaker-pipeline-uses-execution-role",
    fix: /use the trust policy of executionRoleTrustPolicy/,
    on: ["execution-role"],
  },
  { title: "a pipeline name with an underscore", mutate: (rs) => void (one(rs, T.nativePipeline).props.pipelineName = "ml-pipeline-dev-titanic_training"), policy: "sagemaker-names-valid", fix: /use the names of stack\/naming\.ts/ },
  { title: "a model package group without an explicit name", mutate: (rs) => void delete one(rs, T.nativeModelPackageGroup).props.modelPackageGroupName, policy: "sagemaker-names-valid", fix: /set one from stack\/naming\.ts/ },
  {
    title: "a pretty-printed (non-canonical) pipeline definition",
    mutate: (rs) => {
      const definition = one(rs, T.nativePipeline).props.pipelineDefinition as { pipelineDefinitionBody: string };
      definition.pipelineDefinitionBody = JSON.stringify(JSON.parse(definition.pipelineDefinitionBody), null, 2);
    },
    policy: "sagemaker-pipeline-definition-canonical",
    fix: /generate it with compilePipeline/,
  },
  { title: "the prod model registry not protected", stack: "prod", mutate: (rs) => rs.map((r) => (r.type === T.nativeModelPackageGroup ? { ...r, protect: false } : r)), policy: "production-model-registry-protected", fix: /set ml-pipeline:registry\.protect: true in Pulumi\.prod\.yaml/ },
  // Tags
  {
    title: "the model package group without its env tag",
    mutate: (rs) => {
      const group = one(rs, T.nativeModelPackageGroup);
      group.props.tags = (group.props.tags as { key: string }[]).filter((t) => t.key !== "env");
    },
    policy: "required-tags",
    fix: /set env in its tags or in its provider's defaultTags/,
  },
  {
    title: "an aws provider without defaultTags (objects are tagged only through it)",
    mutate: (rs) =>
      rs.map((r) => (r.provider?.type === "pulumi:providers:aws" ? { ...r, provider: { ...r.provider, props: { ...r.provider.props, defaultTags: undefined } } } : r)),
    policy: "required-tags",
    fix: /set project, env, owner in its tags or in its provider's defaultTags/,
    // Every bucket object: they get their tags from the provider only.
    on: (good) => good.filter((r) => r.type === T.bucketObjectV2).map((r) => r.name),
  },
];

describe("policy pack: each broken property fires exactly its policy", () => {
  for (const m of MUTATIONS) {
    it(`${m.title} -> ${m.policy}`, async () => {
      const stack = m.stack ?? "dev";
      const good = await programResources(stack);
      const expected = typeof m.on === "function" ? m.on(good) : m.on;
      const bad = m.mutate(good) ?? good;
      const violations = await runPack(guardrailPolicies, bad);
      assert.deepEqual(policyNames(violations), [m.policy], JSON.stringify(violations, null, 2));
      const names = violations.map((v) => bad.find((r) => r.urn === v.urn)?.name ?? v.urn).sort();
      assert.deepEqual(names, [...(expected ?? [names[0]!])].sort());
      for (const v of violations) assert.match(v.message, m.fix);
    });
  }

  it("the same forceDestroy in dev (its committed config) is allowed", async () => {
    const resources = await programResources("dev");
    assert.equal(one(resources, T.bucket).props.forceDestroy, true);
    assert.deepEqual(await runPack(guardrailPolicies, resources), []);
  });

  it("the dev model registry may be unprotected; productionStacks config widens what counts as production", async () => {
    const resources = await programResources("dev");
    assert.equal(one(resources, T.nativeModelPackageGroup).protect, false);
    const violations = await runPack(guardrailPolicies, resources, { productionStacks: ["dev", "prod"] });
    assert.deepEqual(policyNames(violations), ["no-force-destroy-in-production", "production-model-registry-protected"]);
  });

  it("a bucket added without any of its settings fires the four bucket policies, once each, on that bucket", async () => {
    const resources = await programResources("dev");
    const extra = fake("dev", T.bucket, "scratch", { bucket: "scratch-bucket", tags: { project: "p", env: "dev", owner: "o" } }, { outputs: { bucket: "scratch-bucket" } });
    const violations = await runPack(guardrailPolicies, [...resources, extra]);
    assert.deepEqual(policyNames(violations), ["s3-bucket-encryption", "s3-public-access-blocked", "s3-tls-only-bucket-policy", "s3-versioning-enabled"]);
    assert.ok(violations.every((v) => v.urn === urnOf("dev", T.bucket, "scratch")));
    assert.equal(violations.length, 4);
  });
});
