/** The input of the Titanic pipeline, and what every step builder derives from it. */
import { xgboostImageUri } from "../aws/regions";
import { codeKeys } from "../code/codeBundle";
import type { CacheConfig } from "../definition";
import { join, parameter, type Expr } from "../expressions";
import type { ModelSchema } from "./modelSchema";
import { DATA_PREFIX, TRAIN_PARTS_SUFFIX } from "./names";
import { PARAMETER } from "./parameters";
import type { PipelineSettings } from "./settings";
import type { TrainingDefaults } from "./trainingDefaults";

export interface TitanicPipelineInput {
  readonly region: string;
  readonly bucket: string;
  readonly roleArn: string;
  readonly pipelineName: string;
  readonly modelPackageGroupName: string;
  /** Content hash of the training code bundle (see codeBundle.ts). */
  readonly codeSha256: string;
  readonly kmsKeyArn?: string;
  readonly settings: PipelineSettings;
  readonly defaults: TrainingDefaults;
  /** Input/output schema recorded with every registered version. */
  readonly schema: ModelSchema;
}

/** Values shared by the step builders, computed once from the input. */
export interface StepContext {
  readonly input: TitanicPipelineInput;
  readonly settings: PipelineSettings;
  /** The training image (XGBoost, script mode) of the input's region. */
  readonly image: string;
  /** Object keys of the code bundle. */
  readonly code: ReturnType<typeof codeKeys>;
  /** The step's CacheConfig member, or nothing when caching is off. */
  readonly cache: { readonly CacheConfig?: CacheConfig };
  /** The KmsKeyId member of an output configuration, or nothing without a key. */
  readonly kms: { readonly KmsKeyId?: string };
  /** `s3://<bucket>/<key>` */
  s3(key: string): string;
  /**
   * The S3 URI of a staged data file: `s3://<bucket>/data/<sha256>/<file>`, from the parameter holding
   * the file name and the one holding its content hash (docs/architecture.md §4, content-addressed staging).
   */
  dataUri(fileParameter: string, sha256Parameter: string): Expr;
  /**
   * The S3 prefix of the staged training parts: `s3://<bucket>/data/<TrainDataSha256>/<TrainFile>.parts/`
   * (docs/pipeline.md#data-staging; the trailing `/` makes it match the parts only).
   */
  readonly trainPartsUri: Expr;
}

export function stepContext(input: TitanicPipelineInput): StepContext {
  const { settings } = input;
  const s3 = (key: string) => `s3://${input.bucket}/${key}`;
  return {
    input,
    settings,
    image: xgboostImageUri(input.region),
    code: codeKeys(input.codeSha256),
    cache: settings.cache.enabled ? { CacheConfig: { Enabled: true, ExpireAfter: settings.cache.expireAfter } } : {},
    kms: input.kmsKeyArn ? { KmsKeyId: input.kmsKeyArn } : {},
    s3,
    dataUri: (file: string, sha256: string) => join("", s3(DATA_PREFIX), parameter(sha256), "/", parameter(file)),
    trainPartsUri: join("", s3(DATA_PREFIX), parameter(PARAMETER.trainDataSha256), "/", parameter(PARAMETER.trainFile), `${TRAIN_PARTS_SUFFIX}/`),
  };
}
