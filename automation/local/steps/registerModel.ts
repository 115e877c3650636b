/**
 * A RegisterModel step: a new version in the local registry, with the model archive from the first
 * container's ModelDataUrl and the metrics from ModelMetrics.ModelQuality.Statistics.S3Uri.
 */
import type { ApprovalStatus } from "../../core/report";
import { arrayField, describeJson, FieldError, isJsonObject, objectField, objectsOf, optionalObject, optionalString, stringField, stringMap, type Json, type JsonObject } from "../expressions";
import { APPROVAL_STATUSES, modelMetricsOf, modelPackageGroupArn, ObjectNotFoundError, parseS3Uri } from "../store";
import { noteIgnored } from "./common";
import { StepFailure, type StepInvocation, type StepOutcome } from "./types";

export function registerModelProblems(args: JsonObject): string[] {
  const problems: string[] = [];
  if (args.ModelPackageName !== undefined) problems.push("ModelPackageName (unversioned model packages): the local registry holds versioned groups (ModelPackageGroupName)");
  if (args.ModelPackageGroupName === undefined) problems.push("ModelPackageGroupName is missing");
  const spec = isJsonObject(args.InferenceSpecification) ? args.InferenceSpecification : {};
  if (Array.isArray(spec.Containers) && spec.Containers.length > 1) problems.push(`${spec.Containers.length} inference containers (the local registry keeps one model per version)`);
  return problems;
}

export async function runRegisterModel(invocation: StepInvocation): Promise<StepOutcome> {
  const args = invocation.evaluate(invocation.step.Arguments ?? null, "Arguments");
  if (!isJsonObject(args)) throw new FieldError(`Arguments must be an object, not ${describeJson(args)}`);
  const problems = registerModelProblems(args);
  if (problems.length > 0) throw new StepFailure(`the local target cannot run: ${problems.join("; ")}`);
  noteIgnored(invocation, [["RetryPolicies", invocation.step.RetryPolicies, "the failures they retry (throttling, service faults) do not happen locally"]]);

  const group = stringField(args, "ModelPackageGroupName", "Arguments");
  const approvalStatus = optionalString(args, "ModelApprovalStatus", "Arguments") ?? "PendingManualApproval";
  if (!(APPROVAL_STATUSES as readonly string[]).includes(approvalStatus)) {
    throw new StepFailure(`ModelApprovalStatus "${approvalStatus}" is not one of ${APPROVAL_STATUSES.join(", ")}`);
  }
  const spec = objectField(args, "InferenceSpecification", "Arguments");
  const [container] = objectsOf(arrayField(spec, "Containers", "Arguments.InferenceSpecification"), "Arguments.InferenceSpecification.Containers");
  if (!container) throw new FieldError("Arguments.InferenceSpecification.Containers is empty");
  const modelDataUrl = stringField(container, "ModelDataUrl", "Arguments.InferenceSpecification.Containers[0]");
  const model = parseS3Uri(modelDataUrl);
  if (!invocation.objects.exists(model)) throw new StepFailure(`ModelDataUrl: no object at ${modelDataUrl}`);

  const statistics = optionalObject(optionalObject(optionalObject(args, "ModelMetrics", "Arguments") ?? {}, "ModelQuality", "Arguments.ModelMetrics") ?? {}, "Statistics", "Arguments.ModelMetrics.ModelQuality");
  const metricsUri = statistics ? stringField(statistics, "S3Uri", "Arguments.ModelMetrics.ModelQuality.Statistics") : undefined;
  let report: Json | undefined;
  if (metricsUri !== undefined) {
    try {
      report = invocation.objects.readJson(metricsUri);
    } catch (error) {
      if (error instanceof ObjectNotFoundError) throw new StepFailure(`ModelMetrics.ModelQuality.Statistics: no object at ${metricsUri}`);
      throw new StepFailure(`ModelMetrics.ModelQuality.Statistics: ${(error as Error).message}`);
    }
  }
  const metrics = report === undefined ? {} : modelMetricsOf(report);

  const registered = await invocation.registry.register({
    group,
    approvalStatus: approvalStatus as ApprovalStatus,
    ...(typeof args.ModelPackageDescription === "string" ? { description: args.ModelPackageDescription } : {}),
    modelDataUrl,
    modelFile: invocation.objects.file(model),
    metrics,
    ...(metricsUri !== undefined ? { metricsUri } : {}),
    ...(report !== undefined ? { metricsReport: report } : {}),
    customerMetadata: stringMap(args, "CustomerMetadataProperties", "Arguments"),
    request: args,
    executionId: invocation.executionId,
  });
  invocation.log.note(
    `registered ${group} version ${registered.version} (${registered.approvalStatus})${Object.keys(metrics).length > 0 ? `, metrics ${JSON.stringify(metrics)}` : ""}`,
    true,
  );
  return {
    properties: {
      ...args,
      ModelPackageArn: registered.arn,
      ModelPackageName: group,
      ModelPackageGroupName: group,
      ModelPackageGroupArn: modelPackageGroupArn(group),
      ModelPackageVersion: registered.version,
      ModelApprovalStatus: registered.approvalStatus,
      ModelPackageStatus: "Completed",
      CreationTime: registered.createdAt,
    },
  };
}

