/**
 * The shape of a SageMaker pipeline definition (Version 2020-12-01), typed from the real API request
 * shapes of `@aws-sdk/client-sagemaker` with every leaf widened to also accept an expression. A field
 * name SageMaker does not know is a compile error here, not a failed deployment.
 */
import type {
  CreateModelPackageInput,
  CreateProcessingJobRequest,
  CreateTrainingJobRequest,
} from "@aws-sdk/client-sagemaker";
import type { Expr } from "./expressions";

/** `T` with every string/number/boolean leaf also accepting an expression. */
export type Widen<T> = T extends string | number | boolean
  ? T | Expr
  : T extends Date
    ? T
    : T extends readonly (infer U)[]
      ? readonly Widen<U>[]
      : T extends object
        ? { readonly [K in keyof T]: Widen<T[K]> }
        : T;

export type ParameterType = "String" | "Integer" | "Float" | "Boolean";

export interface Parameter {
  readonly Name: string;
  readonly Type: ParameterType;
  readonly DefaultValue?: string | number | boolean;
  /** Allowed values of a String parameter. */
  readonly EnumValues?: readonly string[];
}

export type ExceptionType =
  | "Step.SERVICE_FAULT"
  | "Step.THROTTLING"
  | "SageMaker.JOB_INTERNAL_ERROR"
  | "SageMaker.CAPACITY_ERROR"
  | "SageMaker.RESOURCE_LIMIT";

export interface RetryPolicy {
  readonly ExceptionType: readonly ExceptionType[];
  readonly IntervalSeconds: number;
  readonly BackoffRate: number;
  readonly MaxAttempts: number;
}

export interface CacheConfig {
  readonly Enabled: boolean;
  /** ISO-8601 duration, e.g. `P30D`. */
  readonly ExpireAfter: string;
}

export interface PropertyFile {
  readonly PropertyFileName: string;
  /** The `OutputName` of one of the step's processing outputs. */
  readonly OutputName: string;
  /** Path of the JSON file relative to that output's local path. */
  readonly FilePath: string;
}

interface StepBase {
  readonly Name: string;
  readonly DisplayName?: string;
  readonly Description?: string;
  readonly DependsOn?: readonly string[];
}

export type TrainingArguments = Widen<Omit<CreateTrainingJobRequest, "TrainingJobName">>;
export type ProcessingArguments = Widen<Omit<CreateProcessingJobRequest, "ProcessingJobName">>;
export type RegisterModelArguments = Widen<Omit<CreateModelPackageInput, "ModelPackageName" | "CertifyForMarketplace" | "ClientToken">>;

export interface TrainingStep extends StepBase {
  readonly Type: "Training";
  readonly Arguments: TrainingArguments;
  readonly CacheConfig?: CacheConfig;
  readonly RetryPolicies?: readonly RetryPolicy[];
}

export interface ProcessingStep extends StepBase {
  readonly Type: "Processing";
  readonly Arguments: ProcessingArguments;
  readonly CacheConfig?: CacheConfig;
  readonly RetryPolicies?: readonly RetryPolicy[];
  readonly PropertyFiles?: readonly PropertyFile[];
}

export interface RegisterModelStep extends StepBase {
  readonly Type: "RegisterModel";
  readonly Arguments: RegisterModelArguments;
  /** Only `Step.*` exception types are allowed on this step type. */
  readonly RetryPolicies?: readonly RetryPolicy[];
}

export type ComparisonType = "Equals" | "GreaterThan" | "GreaterThanOrEqualTo" | "LessThan" | "LessThanOrEqualTo";
export type Operand = string | number | boolean | Expr;

export type Condition =
  | { readonly Type: ComparisonType; readonly LeftValue: Operand; readonly RightValue: Operand }
  | { readonly Type: "In"; readonly QueryValue: Operand; readonly Values: readonly Operand[] }
  | { readonly Type: "Not"; readonly Condition: Condition }
  | { readonly Type: "Or"; readonly Conditions: readonly Condition[] };

export interface ConditionStep extends StepBase {
  readonly Type: "Condition";
  readonly Arguments: {
    /** All must hold (AND) for `IfSteps` to run. */
    readonly Conditions: readonly Condition[];
    readonly IfSteps: readonly BranchStep[];
    readonly ElseSteps: readonly BranchStep[];
  };
}

export interface FailStep extends StepBase {
  readonly Type: "Fail";
  readonly Arguments: { readonly ErrorMessage: string | Expr };
}

/** Steps a condition branch may hold (SageMaker allows no nested condition). */
export type BranchStep = TrainingStep | ProcessingStep | RegisterModelStep | FailStep;
export type Step = BranchStep | ConditionStep;
export type StepType = Step["Type"];

export interface PipelineDefinition {
  readonly Version: "2020-12-01";
  readonly Metadata: Record<string, never>;
  readonly Parameters: readonly Parameter[];
  readonly Steps: readonly Step[];
}
