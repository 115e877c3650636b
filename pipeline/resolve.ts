/**
 * A definition's values as SageMaker will see them once resolved, before anything runs: `Get
 * Parameters.X` takes the execution's parameter values, `Execution.X` and job names take placeholders
 * of realistic (maximum) length, a step property takes the value its step's request will carry (or a
 * placeholder for what only the response holds), and `Std:Join` joins them. What cannot be known
 * before the run (a property file's content) stays `Unresolved`. Pure: no AWS, no files.
 */
import { EXECUTION_VARIABLES, type ExecutionVariable } from "./expressions";

/** A value that is only known while the execution runs (e.g. a metric read from a property file). */
export class Unresolved {
  constructor(readonly reference: string) {}
}

export type Resolved = string | number | boolean | null | Unresolved | readonly Resolved[] | { readonly [key: string]: Resolved };

export interface ResolveInput {
  /** Every parameter's typed value in this execution (defaults, overrides, driver-set values). */
  readonly parameters: Readonly<Record<string, string | number | boolean>>;
  /** Placeholders for the execution (see executionPlaceholders). */
  readonly execution: ExecutionPlaceholders;
}

export interface ExecutionPlaceholders {
  readonly variables: Readonly<Record<Exclude<ExecutionVariable, "TrainingJobName" | "ProcessingJobName">, string>>;
  /** The job name SageMaker gives a step's training or processing job. */
  jobName(step: string): string;
}

/** Where a pipeline runs: what the execution variables are made of. */
export interface PipelineLocation {
  readonly name: string;
  readonly region: string;
  readonly accountId: string;
  readonly partition?: string;
}

/** `arn:aws:sagemaker:us-east-1:111111111111:pipeline/name` -> its location; undefined for anything else. */
export function pipelineLocationOf(arn: string, name?: string): PipelineLocation | undefined {
  const match = /^arn:([a-z-]+):sagemaker:([a-z0-9-]+):(\d{12}):pipeline\/(.+)$/.exec(arn);
  return match ? { partition: match[1]!, region: match[2]!, accountId: match[3]!, name: name ?? match[4]! } : undefined;
}

/**
 * Placeholders as long as the real values get. The execution id is 12 lowercase letters and digits;
 * a step's job is named `pipelines-<execution id>-<step>-<10 characters>`, cut to the 63 characters
 * SageMaker allows in a job name.
 */
export function executionPlaceholders(pipeline: PipelineLocation): ExecutionPlaceholders {
  const id = "a1b2c3d4e5f6";
  const arn = `arn:${pipeline.partition ?? "aws"}:sagemaker:${pipeline.region}:${pipeline.accountId}:pipeline/${pipeline.name.toLowerCase()}`;
  const time = "2026-01-01T00:00:00.000000Z";
  return {
    variables: {
      StartDateTime: time,
      CurrentDateTime: time,
      PipelineName: pipeline.name,
      PipelineArn: arn,
      PipelineExecutionId: id,
      PipelineExecutionArn: `${arn}/execution/${id}`,
    },
    jobName: (step) => `pipelines-${id}-${step}-Xy12AbCdEf`.slice(0, 63),
  };
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === "object" && value !== null && !Array.isArray(value);

/** Response-only properties of a step, from its request and the job name (what Describe* would return). */
const RESPONSE_PROPERTIES: Readonly<Record<string, Readonly<Record<string, (args: Readonly<Record<string, unknown>>, job: string, resolve: (v: unknown) => Resolved) => Resolved>>>> = {
  Training: {
    TrainingJobName: (_args, job) => job,
    // SageMaker writes the model to <S3OutputPath>/<job name>/output/model.tar.gz.
    "ModelArtifacts.S3ModelArtifacts": (args, job, resolve) =>
      joinResolved("", [resolve(isObject(args.OutputDataConfig) ? args.OutputDataConfig.S3OutputPath : null), `/${job}/output/model.tar.gz`]),
  },
  Processing: { ProcessingJobName: (_args, job) => job },
};

/** Resolves the expressions of one definition (compiled here or deployed elsewhere). */
export class DefinitionResolver {
  private readonly steps = new Map<string, Readonly<Record<string, unknown>>>();
  private readonly resolving = new Set<string>();

  constructor(
    definition: unknown,
    private readonly input: ResolveInput,
  ) {
    const visit = (list: unknown): void => {
      if (!Array.isArray(list)) return;
      for (const step of list) {
        if (!isObject(step) || typeof step.Name !== "string") continue;
        this.steps.set(step.Name, step);
        if (isObject(step.Arguments)) {
          visit(step.Arguments.IfSteps);
          visit(step.Arguments.ElseSteps);
        }
      }
    };
    visit(isObject(definition) ? definition.Steps : undefined);
  }

  /** `value` (a step's argument) with every expression in it resolved; `step` names the step it belongs to. */
  resolve(value: unknown, step: string): Resolved {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item, step));
    if (!isObject(value)) return value === undefined ? null : (value as string | number | boolean | null);
    const keys = Object.keys(value);
    if (keys.length === 1 && keys[0] === "Get" && typeof value.Get === "string") return this.get(value.Get, step);
    if (keys.length === 1 && keys[0] === "Std:Join" && isObject(value["Std:Join"])) {
      const body = value["Std:Join"];
      const values = Array.isArray(body.Values) ? body.Values : [];
      return joinResolved(typeof body.On === "string" ? body.On : "", values.map((item) => this.resolve(item, step)));
    }
    if (keys.length === 1 && keys[0]!.startsWith("Std:")) return new Unresolved(keys[0]!);
    return Object.fromEntries(keys.map((key) => [key, this.resolve(value[key], step)]));
  }

  private get(reference: string, step: string): Resolved {
    const [namespace, ...rest] = reference.split(".");
    const name = rest.join(".");
    if (namespace === "Parameters") return this.input.parameters[name] ?? new Unresolved(reference);
    if (namespace === "Execution") {
      if (name === "TrainingJobName" || name === "ProcessingJobName") return this.input.execution.jobName(step);
      return (EXECUTION_VARIABLES as readonly string[]).includes(name) ? this.input.execution.variables[name as keyof ExecutionPlaceholders["variables"]] : new Unresolved(reference);
    }
    if (namespace === "Steps") return this.stepProperty(rest[0] ?? "", rest.slice(1).join("."), reference);
    return new Unresolved(reference);
  }

  /** A property of a step: from its request when the request holds the path, else from the response it will get. */
  private stepProperty(name: string, path: string, reference: string): Resolved {
    const step = this.steps.get(name);
    if (!step || !isObject(step.Arguments) || this.resolving.has(reference)) return new Unresolved(reference);
    this.resolving.add(reference);
    try {
      const fromRequest = valueAtPropertyPath(step.Arguments, path);
      if (fromRequest !== undefined) return this.resolve(fromRequest, name);
      const fromResponse = RESPONSE_PROPERTIES[String(step.Type)]?.[path];
      if (fromResponse) return fromResponse(step.Arguments, this.input.execution.jobName(name), (v) => this.resolve(v, name));
      return new Unresolved(reference);
    } finally {
      this.resolving.delete(reference);
    }
  }
}

/** `Std:Join` of resolved values: unresolved if any part is, numbers and booleans in their JSON form. */
export function joinResolved(on: string, values: readonly Resolved[]): Resolved {
  const parts: string[] = [];
  for (const value of values) {
    if (value instanceof Unresolved) return value;
    if (typeof value === "string") parts.push(value);
    else if (typeof value === "number" || typeof value === "boolean") parts.push(String(value));
    else return new Unresolved("Std:Join of a list or an object");
  }
  return parts.join(on);
}

/**
 * A property path of a Describe* response (`ProcessingOutputConfig.Outputs['metrics'].S3Output.S3Uri`)
 * looked up in the request: `['name']` picks the list entry whose `...Name` member is `name`, `[n]` the
 * n-th entry. Undefined when the request does not hold it.
 */
export function valueAtPropertyPath(root: unknown, path: string): unknown {
  let current: unknown = root;
  for (const token of path.match(/[^.[\]]+|\[(?:'[^']*'|"[^"]*"|\d+)\]/g) ?? []) {
    if (token.startsWith("[")) {
      if (!Array.isArray(current)) return undefined;
      const inner = token.slice(1, -1);
      if (/^\d+$/.test(inner)) current = current[Number(inner)];
      else {
        const wanted = inner.slice(1, -1);
        current = current.find((item) => isObject(item) && Object.entries(item).some(([key, value]) => key.endsWith("Name") && value === wanted));
      }
    } else {
      if (!isObject(current)) return undefined;
      current = current[token];
    }
    if (current === undefined) return undefined;
  }
  return current;
}
