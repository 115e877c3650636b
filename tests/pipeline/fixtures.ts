/** Shared inputs for the compiler tests: the committed dev config and the real training code. */
import { parseStackConfig, type StackConfig } from "../../stack/config";
import { buildCodeBundle } from "../../pipeline/code/codeBundle";
import type { PipelineDefinition } from "../../pipeline/definition";
import { titanicPipeline, type TitanicPipelineInput } from "../../pipeline/titanic/titanicPipeline";
import { loadModelSchema } from "../../pipeline/titanic/modelSchema";
import { loadTrainingDefaults } from "../../pipeline/titanic/trainingDefaults";
import { stackConfigFile } from "../harness/pulumiMocks";

/** The pipeline parameters of docs/architecture.md §4 and their SageMaker types, plus the lineage ones the driver sets. */
export const CONTRACT_PARAMETER_TYPES = {
  MaxDepth: "Integer",
  Eta: "Float",
  NumRound: "Integer",
  Objective: "String",
  TrainFile: "String",
  TestFile: "String",
  Target: "String",
  FeatureColumns: "String",
  CategoricalColumns: "String",
  AccuracyThreshold: "Float",
  TrainingInstanceType: "String",
  TrainingInstanceCount: "Integer",
  ProcessingInstanceType: "String",
  ModelApprovalStatus: "String",
  ChampionTolerance: "Float",
} as const;
export const LINEAGE_PARAMETER_TYPES = { TrainDataSha256: "String", TestDataSha256: "String", SourceCommit: "String", ChampionModelUrl: "String", ChampionModelVersion: "String" } as const;

export const devConfig = (overrides: Record<string, unknown> = {}): StackConfig =>
  parseStackConfig({ ...stackConfigFile("dev"), ...overrides }, "dev");

export function titanicInput(config: StackConfig = devConfig(), extra: Partial<TitanicPipelineInput> = {}): TitanicPipelineInput {
  return {
    region: config.region,
    bucket: "test-bucket",
    roleArn: "arn:aws:iam::111111111111:role/test-role",
    pipelineName: "test-pipeline",
    modelPackageGroupName: "test-group",
    codeSha256: buildCodeBundle("training").sha256,
    settings: config.pipeline,
    defaults: loadTrainingDefaults(),
    schema: loadModelSchema("training"),
    ...extra,
  };
}

export const titanicDefinition = (config?: StackConfig, extra?: Partial<TitanicPipelineInput>): PipelineDefinition =>
  titanicPipeline(titanicInput(config, extra));

export type DeepMutable<T> = T extends object ? { -readonly [K in keyof T]: DeepMutable<T[K]> } : T;

/** A deep, mutable copy for tests that break a definition on purpose. */
// A JSON round trip, not structuredClone: shared sub-objects (e.g. one CacheConfig) must become independent.
export const mutableCopy = <T>(value: T): DeepMutable<T> => JSON.parse(JSON.stringify(value)) as DeepMutable<T>;

type PathKey = string | number;

function container(root: unknown, path: readonly PathKey[]): Record<PathKey, unknown> {
  let node: unknown = root;
  for (const key of path) {
    if (typeof node !== "object" || node === null) throw new Error(`no object at ${path.join(".")}`);
    node = (node as Record<PathKey, unknown>)[key];
  }
  if (typeof node !== "object" || node === null) throw new Error(`no object at ${path.join(".")}`);
  return node as Record<PathKey, unknown>;
}

/** Set the value at a path of plain JSON (tests that break a definition on purpose go around its types). */
export function setAt(root: unknown, path: readonly PathKey[], value: unknown): void {
  container(root, path.slice(0, -1))[path[path.length - 1]!] = value;
}
export function deleteAt(root: unknown, path: readonly PathKey[]): void {
  delete container(root, path.slice(0, -1))[path[path.length - 1]!];
}
export function pushAt(root: unknown, path: readonly PathKey[], ...values: unknown[]): void {
  const list = container(root, path);
  if (!Array.isArray(list)) throw new Error(`${path.join(".")} is not a list`);
  list.push(...values);
}
export function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  return container(root, path.slice(0, -1))[path[path.length - 1]!];
}
