/** Guardrails for S3 buckets: encryption, public access, TLS-only access, versioning, no forceDestroy in production. */
import type { PolicyResource, ReportViolation, ResourceValidationPolicy, StackValidationArgs } from "@pulumi/policy";
import { encryptionProblems, publicAccessGaps, publicAclProblems, settingsOf, tlsOnlyProblems, versioningProblems } from "../checks";
import { BUCKET_TYPES, ENCRYPTION_TYPES, T, TAGGED_PACKAGES, VERSIONING_TYPES, packageOf } from "../resourceTypes";
import { asRecord, isProduction, known, PRODUCTION_STACKS_SCHEMA, stackOfUrn, subject, type ResourceAndStackPolicy } from "../support";

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
