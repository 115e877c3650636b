/** Pulumi program entry (Pulumi.yaml `main: infra/`). Exports the stack outputs of docs/architecture.md §3. */
import { program } from "./program";

const platform = program();

export const region = platform.region;
export const accountId = platform.accountId;
export const bucketName = platform.bucketName;
export const bucketArn = platform.bucketArn;
export const dataPrefix = platform.dataPrefix;
export const executionRoleArn = platform.executionRoleArn;
export const pipelineName = platform.pipelineName;
export const pipelineArn = platform.pipelineArn;
export const modelPackageGroupName = platform.modelPackageGroupName;
export const modelPackageGroupArn = platform.modelPackageGroupArn;
export const approvalRuleArn = platform.approvalRuleArn;
export const approvalTopicArn = platform.approvalTopicArn;
