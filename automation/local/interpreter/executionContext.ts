/** What expressions in a running step resolve against: parameters, execution variables, upstream steps' properties. */
import type { GraphStep } from "../../../pipeline/graph";
import { ExpressionError, JsonPathError, valueAtPath, type EvaluationContext, type JsonObject, type ParameterValue } from "../expressions";
import type { StepOutcome } from "../steps";
import { executionArn, type LocalObjects } from "../store";

export type LocatedStep = GraphStep<JsonObject>;

export interface ExecutionFacts {
  readonly executionId: string;
  readonly pipelineName: string;
  readonly startedAt: string;
  readonly parameters: ReadonlyMap<string, ParameterValue>;
  readonly objects: LocalObjects;
}

export interface StepFacts extends ExecutionFacts {
  readonly stepType: string;
  readonly jobName: string;
  /** The outcomes of the steps that succeeded so far in this execution. */
  readonly outcomes: ReadonlyMap<string, StepOutcome>;
}

export function evaluationContext(facts: StepFacts): EvaluationContext {
  return {
    parameter: (name) => facts.parameters.get(name),
    executionVariable: (name) => executionVariable(facts, name),
    stepProperty: (step, propertyPath) => {
      const outcome = facts.outcomes.get(step);
      if (!outcome) throw new ExpressionError(`Steps.${step}.${propertyPath}: step ${step} has not succeeded in this execution`);
      try {
        return valueAtPath(outcome.properties, propertyPath);
      } catch (error) {
        if (error instanceof JsonPathError) throw new ExpressionError(`Steps.${step}.${propertyPath} is not a property of step ${step}: ${error.message}`);
        throw error;
      }
    },
    propertyFile: (step, file) => {
      const content = facts.outcomes.get(step)?.propertyFiles?.[file];
      if (content === undefined) throw new ExpressionError(`property file ${file} of step ${step} was not produced in this execution`);
      return content;
    },
    readJson: (uri) => {
      try {
        return facts.objects.readJson(uri);
      } catch (error) {
        throw new ExpressionError((error as Error).message);
      }
    },
  };
}

function executionVariable(facts: StepFacts, name: string): string | undefined {
  switch (name) {
    case "StartDateTime":
      return facts.startedAt;
    case "CurrentDateTime":
      return new Date().toISOString();
    case "PipelineName":
      return facts.pipelineName;
    case "PipelineArn":
      return `local:pipeline/${facts.pipelineName}`;
    case "PipelineExecutionId":
      return facts.executionId;
    case "PipelineExecutionArn":
      return executionArn(facts.executionId);
    case "TrainingJobName":
      return facts.stepType === "Training" ? facts.jobName : undefined;
    case "ProcessingJobName":
      return facts.stepType === "Processing" ? facts.jobName : undefined;
    default:
      return undefined;
  }
}

/** SageMaker-style job names, `pipelines-<execution>-<step>`: at most 63 characters of [a-zA-Z0-9-], unique per execution. */
export function jobNamer(executionId: string): (step: string) => string {
  const used = new Set<string>();
  return (step) => {
    const base = `pipelines-${executionId}-${step}`.replace(/[^a-zA-Z0-9-]+/g, "-").replace(/-+/g, "-").slice(0, 60).replace(/-$/, "");
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
    used.add(name);
    return name;
  };
}
