/** Guardrails for SageMaker: the pipeline's execution role, valid names, a canonical definition, a protected registry in production. */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { definitionProblems, executionRoleProblems, sageMakerNameProblems, trustsSageMaker } from "../checks";
import { MODEL_PACKAGE_GROUP_TYPES, PIPELINE_TYPES, T } from "../resourceTypes";
import { asString, isProduction, known, PRODUCTION_STACKS_SCHEMA, stackOfUrn, subject, type ResourceAndStackPolicy } from "../support";

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
