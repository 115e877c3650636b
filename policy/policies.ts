/**
 * The guardrail policies of ml-pipeline. This module only exports policies (plain objects with plain
 * functions): `index.ts` builds the PolicyPack (which starts a gRPC server), tests call the functions.
 *
 * Every violation message says what is wrong and how to fix it. Every policy is mandatory.
 */
import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { REQUIRED_TAG_KEYS } from "../stack/config";
import { lintPolicy, STAR_RESOURCE_ALLOWLIST, type PolicyFinding } from "../stack/iam/lint";
import {
  attachedPolicyArnsOf,
  definitionProblems,
  encryptionProblems,
  executionRoleProblems,
  isBroadAwsManagedPolicy,
  policyDocumentsOf,
  publicAccessGaps,
  publicAclProblems,
  sageMakerNameProblems,
  settingsOf,
  tlsOnlyProblems,
  trustsSageMaker,
  versioningProblems,
} from "./checks";
import { BUCKET_TYPES, ENCRYPTION_TYPES, MODEL_PACKAGE_GROUP_TYPES, PIPELINE_TYPES, T, TAGGABLE_TYPES, TAGGED_PACKAGES, UNTAGGABLE_TYPES, VERSIONING_TYPES, packageOf } from "./resourceTypes";
import { asRecord, asString, known, PRODUCTION_STACKS_SCHEMA, productionStacks, providerDefaultTags, stackOfUrn, tagMap } from "./support";

type ResourceAndStackPolicy = ResourceValidationPolicy & StackValidationPolicy;

const subject = (r: { readonly type: string; readonly name: string }): string => `${r.name} (${r.type})`;

const isProduction = (urn: string, config: { productionStacks?: unknown }): boolean => {
  const stack = stackOfUrn(urn);
  return stack !== undefined && productionStacks(config).includes(stack);
};

/** Report each bucket of the stack that has no settings resource of `types` (and no valid inline setting). */
function requireBucketSetting(
  args: StackValidationArgs,
  report: ReportViolation,
  types: readonly string[],
  hasInline: (bucket: PolicyResource) => boolean,
  fix: (bucket: PolicyResource) => string,
): void {
  for (const bucket of args.resources.filter((r) => BUCKET_TYPES.includes(r.type))) {
    if (settingsOf(bucket, args.resources, types).length === 0 && !hasInline(bucket)) report(`${subject(bucket)}: ${fix(bucket)}`, bucket.urn);
  }
}

// ---------------------------------------------------------------------------------------------- S3

export const s3BucketEncryption: ResourceAndStackPolicy = {
  name: "s3-bucket-encryption",
  description: "Every S3 bucket has a default server-side encryption configuration (SSE-S3 or SSE-KMS).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (ENCRYPTION_TYPES.includes(args.type)) {
      for (const problem of encryptionProblems(args.props.rules)) {
        report(`${subject(args)} ${problem}. Fix: set rules[].applyServerSideEncryptionByDefault.sseAlgorithm to "AES256" or "aws:kms" (with kmsMasterKeyId).`);
      }
    } else if (BUCKET_TYPES.includes(args.type) && args.props.serverSideEncryptionConfiguration !== undefined) {
      for (const problem of encryptionProblems(asRecord(args.props.serverSideEncryptionConfiguration)?.rules)) {
        report(`${subject(args)}: its inline encryption configuration ${problem}. Fix: use an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "AES256" or "aws:kms".`);
      }
    }
  },
  validateStack: (args, report) =>
    requireBucketSetting(
      args,
      report,
      ENCRYPTION_TYPES,
      (bucket) => known(() => bucket.props.serverSideEncryptionConfiguration) !== undefined,
      () => 'has no default encryption. Fix: add an aws.s3.BucketServerSideEncryptionConfiguration for it with sseAlgorithm "AES256" or "aws:kms" (see the ArtifactStore component).',
    ),
};

export const s3PublicAccessBlocked: ResourceAndStackPolicy = {
  name: "s3-public-access-blocked",
  description: "Every S3 bucket has a public access block with all four settings on, and no ACL opens it to everyone.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === T.publicAccessBlock) {
      const gaps = publicAccessGaps(args.props);
      if (gaps.length > 0) {
        report(`${subject(args)} leaves ${gaps.join(", ")} off. Fix: set blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets to true.`);
      }
    } else if (BUCKET_TYPES.includes(args.type) || args.type === T.bucketAcl || args.type === T.bucketAclV2) {
      for (const problem of publicAclProblems(args.props.acl, args.props.accessControlPolicy)) {
        report(`${subject(args)} ${problem}. Fix: remove the ACL; use BucketOwnershipControls "BucketOwnerEnforced" and grant access with IAM or the bucket policy.`);
      }
    }
  },
  validateStack: (args, report) =>
    requireBucketSetting(
      args,
      report,
      [T.publicAccessBlock],
      () => false,
      () => "has no public access block. Fix: add an aws.s3.BucketPublicAccessBlock for it with all four settings true (see the ArtifactStore component).",
    ),
};

export const s3TlsOnlyBucketPolicy: ResourceAndStackPolicy = {
  name: "s3-tls-only-bucket-policy",
  description: "Every S3 bucket has a bucket policy that denies requests made without TLS.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === T.bucketPolicy) {
      for (const problem of tlsOnlyProblems(args.props.policy)) report(`${subject(args)}: the policy ${problem}.`);
    } else if (BUCKET_TYPES.includes(args.type) && args.props.policy !== undefined) {
      for (const problem of tlsOnlyProblems(args.props.policy)) report(`${subject(args)}: the inline policy ${problem}.`);
    }
  },
  validateStack: (args, report) =>
    requireBucketSetting(
      args,
      report,
      [T.bucketPolicy],
      (bucket) => known(() => bucket.props.policy) !== undefined,
      () =>
        'has no bucket policy, so requests without TLS are allowed. Fix: add an aws.s3.BucketPolicy with a Deny of "s3:*" for aws:SecureTransport "false" on the bucket and its objects (see stack/iam/bucket.ts).',
    ),
};

export const s3VersioningEnabled: ResourceAndStackPolicy = {
  name: "s3-versioning-enabled",
  description: "Every S3 bucket has versioning enabled, so overwritten or deleted artifacts can be recovered.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (VERSIONING_TYPES.includes(args.type)) {
      for (const problem of versioningProblems(args.props.versioningConfiguration)) {
        report(`${subject(args)} ${problem}. Fix: set versioningConfiguration.status to "Enabled".`);
      }
    } else if (BUCKET_TYPES.includes(args.type) && args.props.versioning !== undefined && asRecord(args.props.versioning)?.enabled !== true) {
      report(`${subject(args)} disables versioning inline. Fix: remove the inline versioning block and add an aws.s3.BucketVersioning with status "Enabled".`);
    }
  },
  validateStack: (args, report) =>
    requireBucketSetting(
      args,
      report,
      VERSIONING_TYPES,
      (bucket) => asRecord(known(() => bucket.props.versioning))?.enabled === true,
      () => 'has no versioning. Fix: add an aws.s3.BucketVersioning for it with versioningConfiguration.status "Enabled" (see the ArtifactStore component).',
    ),
};

export const noForceDestroyInProduction: ResourceValidationPolicy = {
  name: "no-force-destroy-in-production",
  description: "No resource of a production stack sets forceDestroy (a destroy would delete every object and version).",
  enforcementLevel: "mandatory",
  configSchema: PRODUCTION_STACKS_SCHEMA,
  validateResource: (args, report) => {
    if (!TAGGED_PACKAGES.includes(packageOf(args.type)) || args.props.forceDestroy !== true) return;
    if (isProduction(args.urn, args.getConfig<{ productionStacks?: unknown }>())) {
      report(`${subject(args)} sets forceDestroy in production stack "${stackOfUrn(args.urn)}". Fix: set ml-pipeline:bucket.forceDestroy to false in Pulumi.${stackOfUrn(args.urn)}.yaml.`);
    }
  },
};

// --------------------------------------------------------------------------------------------- IAM

function iamFindings(args: ResourceValidationArgs, rules: readonly PolicyFinding["rule"][]): string[] {
  return policyDocumentsOf(args.type, args.props).flatMap(({ where, document }) =>
    lintPolicy(document)
      .filter((f) => rules.includes(f.rule))
      .map((f) => `${subject(args)} ${where}: ${f.message}.`),
  );
}

export const iamPolicyDocumentValid: ResourceValidationPolicy = {
  name: "iam-policy-document-valid",
  description: "Every IAM policy document (identity or resource policy) parses as a policy with a Statement list, so it can be checked.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const message of iamFindings(args, ["malformed"])) report(`${message} Fix: pass a JSON policy document ({"Version": "2012-10-17", "Statement": [...]}).`);
  },
};

export const iamNoWildcardActions: ResourceValidationPolicy = {
  name: "iam-no-wildcard-actions",
  description: 'No Allow statement grants a wildcard action ("*", "s3:*", "s3:Get*") or uses NotAction.',
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["wildcard-action", "not-action"]).forEach((m) => report(m)),
};

export const iamNoStarResource: ResourceValidationPolicy = {
  name: "iam-no-star-resource",
  description: `No Allow statement grants an action on Resource "*" unless IAM has no resource type for it (allowlist: ${Object.keys(STAR_RESOURCE_ALLOWLIST).join(", ")}); no NotResource.`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["star-resource", "not-resource"]).forEach((m) => report(m)),
};

export const iamPassRoleRequiresPassedToService: ResourceValidationPolicy = {
  name: "iam-passrole-requires-passed-to-service",
  description: "Every statement that allows iam:PassRole limits it with an iam:PassedToService condition.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => iamFindings(args, ["passrole-unconditioned"]).forEach((m) => report(m)),
};

export const iamNoAwsManagedFullAccess: ResourceValidationPolicy = {
  name: "iam-no-aws-managed-full-access",
  description: "No role, user or group gets an AWS managed *FullAccess (or AdministratorAccess/PowerUserAccess) policy.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const arn of attachedPolicyArnsOf(args.type, args.props).filter(isBroadAwsManagedPolicy)) {
      report(
        `${subject(args)} attaches the AWS managed policy ${arn}, which grants a whole service on every resource. Fix: remove it and grant the few actions needed, scoped to this environment's ARNs, in an inline policy (see stack/iam/executionRole.ts).`,
      );
    }
  },
};

// ------------------------------------------------------------------------------------------ SageMaker

export const sageMakerPipelineUsesExecutionRole: ResourceAndStackPolicy = {
  name: "sagemaker-pipeline-uses-execution-role",
  description: "The SageMaker pipeline runs as the project's execution role: the role of this stack that SageMaker may assume.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (!PIPELINE_TYPES.includes(args.type)) return;
    for (const problem of executionRoleProblems(asString(args.props.pipelineName), args.props.roleArn)) report(`${subject(args)} ${problem}.`);
  },
  validateStack: (args, report) => {
    const roles = args.resources.filter((r) => r.type === T.role || r.type === T.nativeRole);
    for (const pipeline of args.resources.filter((r) => PIPELINE_TYPES.includes(r.type))) {
      const linked = pipeline.propertyDependencies?.roleArn?.filter((d) => d.type === T.role || d.type === T.nativeRole) ?? [];
      const roleArn = known(() => asString(pipeline.props.roleArn));
      const role = linked[0] ?? roles.find((r) => roleArn !== undefined && known(() => asString(r.props.arn)) === roleArn);
      if (!role) {
        if (roleArn !== undefined || linked.length > 0) {
          report(`${subject(pipeline)} runs as ${roleArn ?? "a role"} that this stack does not manage. Fix: pass the ExecutionRole component's roleArn, so the role's permissions are scoped to this environment.`, pipeline.urn);
        }
        continue;
      }
      const trust = known(() => role.props.assumeRolePolicy);
      if (trust !== undefined && !trustsSageMaker(trust)) {
        report(`${subject(role)} (the role of ${pipeline.name}) does not let sagemaker.amazonaws.com assume it. Fix: use the trust policy of executionRoleTrustPolicy (stack/iam/executionRole.ts).`, role.urn);
      }
    }
  },
};

export const sageMakerNamesValid: ResourceValidationPolicy = {
  name: "sagemaker-names-valid",
  description: "SageMaker pipelines and model package groups have explicit names that SageMaker accepts.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    for (const problem of sageMakerNameProblems(args.type, args.props)) report(`${subject(args)}: ${problem}. Fix: use the names of stack/naming.ts.`);
  },
};

export const sageMakerPipelineDefinitionCanonical: ResourceValidationPolicy = {
  name: "sagemaker-pipeline-definition-canonical",
  description: "An inline pipeline definition is canonical JSON, so an unchanged pipeline never shows a diff.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== T.nativePipeline) return;
    for (const problem of definitionProblems(args.props.pipelineDefinition)) report(`${subject(args)}: ${problem}.`);
  },
};

export const productionModelRegistryProtected: ResourceValidationPolicy = {
  name: "production-model-registry-protected",
  description: "In a production stack the model package group is protected: Pulumi refuses to delete the registry.",
  enforcementLevel: "mandatory",
  configSchema: PRODUCTION_STACKS_SCHEMA,
  validateResource: (args, report) => {
    if (!MODEL_PACKAGE_GROUP_TYPES.includes(args.type) || args.opts.protect) return;
    if (isProduction(args.urn, args.getConfig<{ productionStacks?: unknown }>())) {
      report(`${subject(args)} is not protected in production stack "${stackOfUrn(args.urn)}". Fix: set ml-pipeline:registry.protect: true in Pulumi.${stackOfUrn(args.urn)}.yaml (the Pulumi protect option).`);
    }
  },
};

// -------------------------------------------------------------------------------------------- Tags

/**
 * Required tags on every taggable aws / aws-native resource. A tag counts when it is in the resource's
 * own `tags`, in the `defaultTags` of the resource's provider (the provider applies those tags to the
 * resource itself, so a bucket object tagged only through defaultTags is tagged in AWS), or in `tagsAll`
 * (aws classic: own tags and provider defaultTags merged, as the engine may show them). A tag with an
 * empty value does not count.
 */
export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description: `Every taggable AWS resource carries the tags ${REQUIRED_TAG_KEYS.join(", ")} (own tags, the provider's defaultTags, or tagsAll).`,
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (!TAGGED_PACKAGES.includes(packageOf(args.type)) || UNTAGGABLE_TYPES.has(args.type)) return;
    if (!TAGGABLE_TYPES.has(args.type) && args.props.tags === undefined) return;
    const missing = (tags: Record<string, string>) => REQUIRED_TAG_KEYS.filter((key) => !tags[key]);
    // Sources are read lazily, the provider (always known) before tagsAll (computed, may be unknown during
    // preview): a later source is only read when the earlier ones fall short.
    let tags = tagMap(args.props.tags);
    if (missing(tags).length > 0) tags = { ...providerDefaultTags(args.provider?.props), ...tags };
    if (missing(tags).length > 0) tags = { ...tagMap(args.props.tagsAll), ...tags };
    const absent = missing(tags);
    if (absent.length > 0) {
      report(
        `${subject(args)} lacks the tag${absent.length === 1 ? "" : "s"} ${absent.join(", ")} (looked at tags, the provider's defaultTags and tagsAll). Fix: set ${absent.join(", ")} in its tags or in its provider's defaultTags (the project sets them from stack/config.ts stackTags).`,
      );
    }
  },
};

/** Every policy of the pack, in the order they are reported. */
export const guardrailPolicies: (ResourceValidationPolicy | StackValidationPolicy)[] = [
  s3BucketEncryption,
  s3PublicAccessBlocked,
  s3TlsOnlyBucketPolicy,
  s3VersioningEnabled,
  noForceDestroyInProduction,
  iamPolicyDocumentValid,
  iamNoWildcardActions,
  iamNoStarResource,
  iamPassRoleRequiresPassedToService,
  iamNoAwsManagedFullAccess,
  sageMakerPipelineUsesExecutionRole,
  sageMakerNamesValid,
  sageMakerPipelineDefinitionCanonical,
  productionModelRegistryProtected,
  requiredTags,
];
