/** What a deployed stack must hold: its resources, its contract outputs, and helpers to compare states. */
import { strict as assert } from "node:assert";
import { gunzipSync } from "node:zlib";
import type { StackState, StateResource } from "./lane";

/** The stack outputs other teams read (docs/architecture.md, "Stack outputs"): exactly these. */
export const CONTRACT_OUTPUTS = [
  "accountId",
  "approvalRuleArn",
  "approvalTopicArn",
  "bucketArn",
  "bucketName",
  "dataPrefix",
  "executionRoleArn",
  "modelPackageGroupArn",
  "modelPackageGroupName",
  "pipelineArn",
  "pipelineName",
  "region",
] as const;

/** Every resource but the code objects (those follow the code bundle, see codeObjectNames). */
export function fixedResources(env: string): string[] {
  return [
    `pulumi:pulumi:Stack::ml-pipeline-${env}`,
    "pulumi:providers:aws::aws",
    "pulumi:providers:aws-native::aws-native",
    "ml-pipeline:iam:ExecutionRole::execution-role",
    "aws:iam/role:Role::execution-role",
    "aws:iam/rolePolicy:RolePolicy::execution-role-artifact-bucket",
    "aws:iam/rolePolicy:RolePolicy::execution-role-sagemaker-steps",
    "aws:iam/rolePolicy:RolePolicy::execution-role-image-pull",
    "aws:iam/rolePolicy:RolePolicy::execution-role-observability",
    "aws:iam/rolePoliciesExclusive:RolePoliciesExclusive::execution-role-inline-only",
    "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive::execution-role-no-managed-policies",
    "ml-pipeline:storage:ArtifactStore::artifacts",
    "aws:s3/bucket:Bucket::artifacts",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls::artifacts-ownership",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::artifacts-public-access",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::artifacts-encryption",
    "aws:s3/bucketVersioning:BucketVersioning::artifacts-versioning",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration::artifacts-lifecycle",
    "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration::artifacts-cors",
    "aws:s3/bucketPolicy:BucketPolicy::artifacts-policy",
    "ml-pipeline:sagemaker:ModelRegistry::model-registry",
    "aws-native:sagemaker:ModelPackageGroup::model-registry",
    "ml-pipeline:sagemaker:TrainingPipeline::training-pipeline",
    "aws-native:sagemaker:Pipeline::training-pipeline",
    "ml-pipeline:events:ApprovalEvents::approval-events",
    "aws:cloudwatch/eventRule:EventRule::approval-events",
    "aws:sqs/queue:Queue::approval-events-dlq",
    "aws:sqs/queuePolicy:QueuePolicy::approval-events-dlq-policy",
    "aws:kms/key:Key::approval-events-topic-key",
    "aws:sns/topic:Topic::approval-events-topic",
    "aws:sns/topicPolicy:TopicPolicy::approval-events-topic-policy",
    "aws:cloudwatch/eventTarget:EventTarget::approval-events-to-topic",
  ];
}

const OBJECT = "aws:s3/bucketObjectv2:BucketObjectv2";

export const keyOf = (r: StateResource): string => `${r.type}::${r.name}`;

/** The files inside a gzipped tar (names of regular files). */
export function tarEntries(gzipped: Buffer): string[] {
  const tar = gunzipSync(gzipped);
  const names: string[] = [];
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = header.subarray(0, 100).toString("utf-8").replace(/\0.*$/s, "");
    if (!name) break;
    const prefix = header.subarray(345, 500).toString("utf-8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("utf-8").replace(/\0.*$/s, "").trim() || "0", 8);
    const type = String.fromCharCode(header[156] ?? 48);
    if (type === "0" || type === "\0") names.push(prefix ? `${prefix}/${name}` : name);
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return names;
}

/**
 * The code objects: the bundle (sourcedir.tar.gz), the sample payload, and each file of the bundle on its
 * own under code/<sha>/src/, all content-addressed under one code/<sha>/ and retained on delete.
 */
export function checkCodeObjects(state: StackState, bucket: string): string[] {
  const objects = state.resources.filter((r) => r.type === OBJECT);
  const bundle = state.one(OBJECT, "training-pipeline-code-sourcedir.tar.gz");
  const base64 = bundle.inputs.contentBase64;
  assert.equal(typeof base64, "string", "the code bundle is uploaded from its bytes (contentBase64)");
  const entries = tarEntries(Buffer.from(base64 as string, "base64"));
  assert.ok(entries.length > 0, "the code bundle holds files");
  const prefix = /^code\/[0-9a-f]{64}\//.exec(String(bundle.inputs.key))?.[0];
  assert.ok(prefix, `the bundle's key is content-addressed: ${String(bundle.inputs.key)}`);
  const expected = new Map<string, string>([
    ["training-pipeline-code-sourcedir.tar.gz", `${prefix}sourcedir.tar.gz`],
    ["training-pipeline-sample-payload", `${prefix}sample-payload.tar.gz`],
    ...entries.map((e): [string, string] => [`training-pipeline-code-src-${e}`, `${prefix}src/${e}`]),
  ]);
  assert.deepEqual(objects.map((o) => o.name).sort(), [...expected.keys()].sort(), "one object per bundle file, plus the bundle and the sample payload");
  for (const o of objects) {
    assert.equal(o.inputs.key, expected.get(o.name), `${o.name} key`);
    assert.equal(o.inputs.bucket, bucket, `${o.name} goes to the stack's bucket`);
    assert.equal(o.retainOnDelete, true, `${o.name} is retained on delete (registered versions serve from it)`);
  }
  return [...expected.keys()].map((n) => `${OBJECT}::${n}`);
}

/** The state holds exactly the expected resources; returns the outputs checked against the state. */
export function checkDeployed(state: StackState, env: string, account: string, outputs: Readonly<Record<string, string>>): void {
  assert.deepEqual(Object.keys(outputs).sort(), [...CONTRACT_OUTPUTS].sort(), "exactly the contract's outputs");
  const bucket = state.one("aws:s3/bucket:Bucket", "artifacts");
  const bucketName = String(bucket.inputs.bucket);
  const expected = [...fixedResources(env), ...checkCodeObjects(state, bucketName)].sort();
  assert.deepEqual(state.resources.map(keyOf).sort(), expected, "exactly the expected resources");
  assert.equal(state.pendingOperations, 0, "no pending operations");

  const role = state.one("aws:iam/role:Role", "execution-role");
  const pipeline = state.one("aws-native:sagemaker:Pipeline", "training-pipeline");
  const group = state.one("aws-native:sagemaker:ModelPackageGroup", "model-registry");
  const rule = state.one("aws:cloudwatch/eventRule:EventRule", "approval-events");
  const topic = state.one("aws:sns/topic:Topic", "approval-events-topic");
  assert.deepEqual(outputs, {
    accountId: account,
    region: "us-east-1",
    bucketName,
    bucketArn: `arn:aws:s3:::${bucketName}`,
    dataPrefix: `s3://${bucketName}/data/`,
    executionRoleArn: String(role.outputs.arn),
    pipelineName: String(pipeline.inputs.pipelineName),
    pipelineArn: `arn:aws:sagemaker:us-east-1:${account}:pipeline/${String(pipeline.inputs.pipelineName)}`,
    modelPackageGroupName: String(group.inputs.modelPackageGroupName),
    modelPackageGroupArn: String(group.outputs.modelPackageGroupArn),
    approvalRuleArn: `arn:aws:events:us-east-1:${account}:rule/${String(rule.inputs.name)}`,
    approvalTopicArn: `arn:aws:sns:us-east-1:${account}:${String(topic.inputs.name)}`,
  });
  assert.equal(
    rule.inputs.eventPattern,
    `{"source":["aws.sagemaker"],"detail-type":["SageMaker Model Package State Change"],"detail":{"ModelPackageGroupName":["${String(group.inputs.modelPackageGroupName)}"],"ModelApprovalStatus":["Approved"]}}`,
    "the approval rule matches this group's approvals only",
  );
  assert.equal(topic.inputs.kmsMasterKeyId, state.one("aws:kms/key:Key", "approval-events-topic-key").id, "the topic is encrypted with the stack's key");
  assert.equal(pipeline.inputs.roleArn, outputs.executionRoleArn, "the pipeline runs as the stack's execution role");
  assert.match(bucketName, new RegExp(`-${env}-${account}-us-east-1$`));
}

/** URNs whose state entry differs between two states: [created or replaced, updated, deleted]. */
export function stateChanges(before: StackState, after: StackState): { created: string[]; updated: string[]; deleted: string[] } {
  const old = new Map(before.resources.map((r) => [r.urn, r]));
  const created: string[] = [];
  const updated: string[] = [];
  for (const r of after.resources) {
    const previous = old.get(r.urn);
    if (!previous || previous.created !== r.created) created.push(r.urn);
    else if (previous.modified !== r.modified) updated.push(r.urn);
  }
  const current = new Set(after.resources.map((r) => r.urn));
  return { created: created.sort(), updated: updated.sort(), deleted: before.resources.map((r) => r.urn).filter((u) => !current.has(u)).sort() };
}

/** `[dev] .` or `[dev] @ updating....`: the fragments the driver logged before (issue 12, finding 4). */
export function fragmentLines(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /^\[[a-z]+\]\s*(\.+|@ [a-z ]+\.*)\s*$/.test(l));
}

export const nameOf = (urn: string): string => urn.slice(urn.lastIndexOf("::") + 2);

/** A type as the CLI displays it: `aws:s3/bucket:Bucket` -> `aws:s3:Bucket`. */
export function displayType(type: string): string {
  return type.replace(/^([^:]+):([^:/]+)\/[^:]+:([^:]+)$/, "$1:$2:$3");
}

export function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
