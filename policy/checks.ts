/**
 * The pure checks behind the guardrail policies: each takes loosely typed properties (what a policy
 * receives) and returns problems as text, so policies stay one-liners and the wording lives in one place.
 */
import type { PolicyResource } from "@pulumi/policy";
import { statementsOf } from "../stack/iam/lint";
import { modelPackageGroupNameProblems, pipelineNameProblems, resourceNames } from "../stack/naming";
import { canonicalJson } from "../pipeline/canonicalJson";
import { asList, asRecord, asString, known } from "./support";

// ---------------------------------------------------------------------------------------------- S3

export const SSE_ALGORITHMS: readonly string[] = ["AES256", "aws:kms", "aws:kms:dsse"];

/** `rules` of a BucketServerSideEncryptionConfiguration (or a legacy inline configuration). */
export function encryptionProblems(rules: unknown): string[] {
  const list = asList(rules);
  if (list.length === 0) return ["has no encryption rule"];
  const problems: string[] = [];
  list.forEach((rule, index) => {
    const algorithm = asString(asRecord(asRecord(rule)?.applyServerSideEncryptionByDefault)?.sseAlgorithm);
    if (algorithm === undefined || !SSE_ALGORITHMS.includes(algorithm)) {
      problems.push(`rule ${index} sets sseAlgorithm ${JSON.stringify(algorithm ?? null)}, not one of ${SSE_ALGORITHMS.join(", ")}`);
    }
  });
  return problems;
}

export const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

/** The flags of a BucketPublicAccessBlock that are not `true`. */
export function publicAccessGaps(props: Record<string, unknown>): string[] {
  return PUBLIC_ACCESS_FLAGS.filter((flag) => props[flag] !== true);
}

export const PUBLIC_CANNED_ACLS: readonly string[] = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEE = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;

/** Public canned ACLs and grants to everyone (or to every AWS account) in an ACL resource's properties. */
export function publicAclProblems(acl: unknown, accessControlPolicy: unknown): string[] {
  const problems: string[] = [];
  const canned = asString(acl);
  if (canned !== undefined && PUBLIC_CANNED_ACLS.includes(canned)) problems.push(`uses the public canned ACL "${canned}"`);
  for (const grant of asList(asRecord(accessControlPolicy)?.grants)) {
    const uri = asString(asRecord(asRecord(grant)?.grantee)?.uri);
    if (uri !== undefined && PUBLIC_GRANTEE.test(uri)) problems.push(`grants ${asString(asRecord(grant)?.permission) ?? "access"} to ${uri}`);
  }
  return problems;
}

const TLS_DENY_EXAMPLE =
  '{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": ["<bucket ARN>", "<bucket ARN>/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}';

/** Problems of a bucket policy that should deny every request made without TLS. */
export function tlsOnlyProblems(policy: unknown): string[] {
  const statements = statementsOf(policy);
  if (!statements) return [`is not a JSON policy document; it must contain the statement ${TLS_DENY_EXAMPLE}`];
  const denies = statements.some((s) => {
    if (s.Effect !== "Deny") return false;
    const principal = asRecord(s)?.Principal;
    const everyone = principal === "*" || asList(asRecord(principal)?.AWS).includes("*");
    const actions = asList(s.Action).map(String);
    const allS3 = actions.includes("*") || actions.includes("s3:*");
    const resources = asList(s.Resource).map(String);
    const coversBucket = resources.some((r) => r === "*" || !r.includes("/"));
    const coversObjects = resources.some((r) => r === "*" || r.endsWith("/*"));
    return everyone && allS3 && coversBucket && coversObjects && deniesInsecureTransport(s.Condition);
  });
  return denies ? [] : [`does not deny requests without TLS to the bucket and its objects; add the statement ${TLS_DENY_EXAMPLE} (see stack/iam/bucket.ts)`];
}

function deniesInsecureTransport(condition: unknown): boolean {
  const operators = asRecord(condition) ?? {};
  return Object.entries(operators).some(([operator, keys]) => {
    if (!/^Bool(IfExists)?$/i.test(operator)) return false;
    return Object.entries(asRecord(keys) ?? {}).some(
      ([key, value]) => key.toLowerCase() === "aws:securetransport" && asList(value).some((v) => String(v).toLowerCase() === "false"),
    );
  });
}

/** Problems of a BucketVersioning's `versioningConfiguration`. */
export function versioningProblems(versioningConfiguration: unknown): string[] {
  const status = asString(asRecord(versioningConfiguration)?.status);
  return status === "Enabled" ? [] : [`sets versioning status ${JSON.stringify(status ?? null)}`];
}

/**
 * The settings resources (encryption, public access block, ...) of `bucket` among `resources`: linked
 * through the `bucket` property's dependency on the bucket (known during preview), else through any
 * dependency on it, else through the bucket name once it is known.
 */
export function settingsOf(bucket: PolicyResource, resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
  const names = [known(() => asString(bucket.props.bucket)), known(() => asString(bucket.props.id))].filter((n): n is string => n !== undefined);
  return resources.filter((r) => {
    if (!types.includes(r.type)) return false;
    const viaProperty = r.propertyDependencies?.bucket ?? [];
    if (viaProperty.length > 0) return viaProperty.some((d) => d.urn === bucket.urn);
    if (r.dependencies.some((d) => d.urn === bucket.urn)) return true;
    const name = known(() => asString(r.props.bucket));
    return name !== undefined && names.includes(name);
  });
}

// --------------------------------------------------------------------------------------------- IAM

/** The IAM policy documents a resource carries, with where they sit, for the least-privilege checks. */
export function policyDocumentsOf(type: string, props: Record<string, unknown>): { where: string; document: unknown }[] {
  switch (type) {
    case "aws:iam/rolePolicy:RolePolicy":
    case "aws:iam/policy:Policy":
    case "aws:iam/userPolicy:UserPolicy":
    case "aws:iam/groupPolicy:GroupPolicy":
    case "aws:s3/bucketPolicy:BucketPolicy":
    case "aws:sns/topicPolicy:TopicPolicy":
    case "aws:sqs/queuePolicy:QueuePolicy":
      return props.policy === undefined ? [] : [{ where: "policy", document: props.policy }];
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2":
      return props.policy === undefined ? [] : [{ where: "policy (inline)", document: props.policy }];
    case "aws:iam/role:Role":
      return asList(props.inlinePolicies).map((p, i) => ({
        where: `inlinePolicies[${i}] ${asString(asRecord(p)?.name) ?? ""}`.trim(),
        document: asRecord(p)?.policy,
      }));
    case "aws-native:iam:Role":
      return asList(props.policies).map((p, i) => ({
        where: `policies[${i}] ${asString(asRecord(p)?.policyName) ?? ""}`.trim(),
        document: asRecord(p)?.policyDocument,
      }));
    case "aws-native:sagemaker:ModelPackageGroup":
      return props.modelPackageGroupPolicy === undefined ? [] : [{ where: "modelPackageGroupPolicy", document: props.modelPackageGroupPolicy }];
    case "aws:sagemaker/modelPackageGroupPolicy:ModelPackageGroupPolicy":
      return props.resourcePolicy === undefined ? [] : [{ where: "resourcePolicy", document: props.resourcePolicy }];
    default:
      return [];
  }
}

/** AWS managed policies that grant whole services (or everything). */
const AWS_MANAGED_BROAD_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(?:[\w+=,.@-]+\/)*(?:[\w+=,.@-]*FullAccess|AdministratorAccess|PowerUserAccess)$/;

export function isBroadAwsManagedPolicy(arn: string): boolean {
  return AWS_MANAGED_BROAD_POLICY.test(arn);
}

/** Managed policy ARNs a resource attaches: `managedPolicyArns`, `policyArn` or `policyArns` by type. */
export function attachedPolicyArnsOf(type: string, props: Record<string, unknown>): string[] {
  switch (type) {
    case "aws:iam/role:Role":
    case "aws-native:iam:Role":
      return asList(props.managedPolicyArns).map(String);
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
    case "aws:iam/userPolicyAttachment:UserPolicyAttachment":
    case "aws:iam/groupPolicyAttachment:GroupPolicyAttachment":
    case "aws:iam/policyAttachment:PolicyAttachment":
      return asList(props.policyArn).map(String);
    case "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive":
      return asList(props.policyArns).map(String);
    default:
      return [];
  }
}

/** Does a trust policy let SageMaker assume the role? */
export function trustsSageMaker(assumeRolePolicy: unknown): boolean {
  const statements = statementsOf(assumeRolePolicy) ?? [];
  return statements.some(
    (s) =>
      s.Effect === "Allow" &&
      asList(asRecord(asRecord(s)?.Principal)?.Service).includes("sagemaker.amazonaws.com") &&
      asList(s.Action).some((a) => a === "sts:AssumeRole"),
  );
}

// ------------------------------------------------------------------------------------------ SageMaker

/** Suffixes `naming.ts` gives the pipeline and the execution role after `<prefix>-<env>`. */
const SAMPLE = resourceNames({ prefix: "p", env: "e", accountId: "000000000000", region: "us-east-1" });
export const PIPELINE_NAME_SUFFIX = SAMPLE.pipeline.slice("p-e".length);
export const EXECUTION_ROLE_SUFFIX = SAMPLE.executionRole.slice("p-e".length);

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]+)$/;

/** The project's execution role name for a pipeline named by `naming.ts` (undefined for other names). */
export function expectedExecutionRoleName(pipelineName: string | undefined): string | undefined {
  if (pipelineName === undefined || !pipelineName.endsWith(PIPELINE_NAME_SUFFIX)) return undefined;
  return pipelineName.slice(0, -PIPELINE_NAME_SUFFIX.length) + EXECUTION_ROLE_SUFFIX;
}

/** Problems of a pipeline's `roleArn` against the project's execution role. */
export function executionRoleProblems(pipelineName: string | undefined, roleArn: unknown): string[] {
  const arn = asString(roleArn);
  const match = arn === undefined ? null : ROLE_ARN.exec(arn);
  const expected = expectedExecutionRoleName(pipelineName);
  const wanted = expected ? `the project's execution role "${expected}"` : `the project's execution role (a role named "<prefix>-<env>${EXECUTION_ROLE_SUFFIX}")`;
  if (!match) return [`runs as ${JSON.stringify(arn ?? null)}, which is not an IAM role ARN; set roleArn to ${wanted} (ExecutionRole component)`];
  const roleName = match[1]!;
  if (expected ? roleName !== expected : !roleName.endsWith(EXECUTION_ROLE_SUFFIX)) {
    return [`runs as role "${roleName}"; set roleArn to ${wanted}: the ExecutionRole component's roleArn, whose permissions are scoped to this environment`];
  }
  return [];
}

export function sageMakerNameProblems(type: string, props: Record<string, unknown>): string[] {
  if (type === "aws-native:sagemaker:Pipeline" || type === "aws:sagemaker/pipeline:Pipeline") {
    const name = asString(props.pipelineName);
    return name === undefined ? ["has no explicit pipelineName; set one from stack/naming.ts so consumers get a stable name"] : pipelineNameProblems(name);
  }
  if (type === "aws-native:sagemaker:ModelPackageGroup" || type === "aws:sagemaker/modelPackageGroup:ModelPackageGroup") {
    const name = asString(props.modelPackageGroupName);
    return name === undefined
      ? ["has no explicit modelPackageGroupName; set one from stack/naming.ts so consumers get a stable name"]
      : modelPackageGroupNameProblems(name);
  }
  return [];
}

/** An inline definition must be canonical JSON, or every preview shows a diff (pulumi-aws-native#3042). */
export function definitionProblems(pipelineDefinition: unknown): string[] {
  const body = asRecord(pipelineDefinition)?.pipelineDefinitionBody;
  if (body === undefined) return [];
  if (typeof body !== "string") return ["pipelineDefinitionBody is not a string of JSON"];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    return [`pipelineDefinitionBody is not valid JSON (${(error as Error).message}); generate it with compilePipeline (pipeline/compile.ts)`];
  }
  return canonicalJson(parsed) === body
    ? []
    : ["pipelineDefinitionBody is not canonical JSON (sorted keys, no whitespace), so key order or spacing can change between runs and every preview shows a diff; generate it with compilePipeline (pipeline/canonicalJson.ts)"];
}
