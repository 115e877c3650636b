/**
 * The guardrail policies of ml-pipeline. This module only exports policies (plain objects with plain
 * functions): `policy/index.ts` builds the PolicyPack (which starts a gRPC server), tests call the functions.
 *
 * Every violation message says what is wrong and how to fix it. Every policy is mandatory.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { approvalRuleMatchesApprovalsOnly, snsTopicEncrypted } from "./events";
import { iamNoAwsManagedFullAccess, iamNoStarResource, iamNoWildcardActions, iamPassRoleRequiresPassedToService, iamPolicyDocumentValid } from "./iam";
import { noForceDestroyInProduction, s3BucketEncryption, s3PublicAccessBlocked, s3TlsOnlyBucketPolicy, s3VersioningEnabled } from "./s3";
import { productionModelRegistryProtected, sageMakerNamesValid, sageMakerPipelineDefinitionCanonical, sageMakerPipelineUsesExecutionRole } from "./sageMaker";
import { sageMakerEndpointGuarded } from "./serving";
import { requiredTags } from "./tags";

export { iamNoAwsManagedFullAccess, iamNoStarResource, iamNoWildcardActions, iamPassRoleRequiresPassedToService, iamPolicyDocumentValid } from "./iam";
export { noForceDestroyInProduction, s3BucketEncryption, s3PublicAccessBlocked, s3TlsOnlyBucketPolicy, s3VersioningEnabled } from "./s3";
export { productionModelRegistryProtected, sageMakerNamesValid, sageMakerPipelineDefinitionCanonical, sageMakerPipelineUsesExecutionRole } from "./sageMaker";
export { endpointConfigurationProblems, productionEndpointProblems, sageMakerEndpointGuarded } from "./serving";
export { requiredTags } from "./tags";
export { approvalRuleMatchesApprovalsOnly, snsTopicEncrypted } from "./events";

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
  sageMakerEndpointGuarded,
  approvalRuleMatchesApprovalsOnly,
  snsTopicEncrypted,
  requiredTags,
];
