/**
 * The step graph of a pipeline definition: every step by name (condition branches included) and the
 * steps each one waits for. One implementation for validation (pipeline/validate.ts, on the typed
 * definition) and for the local target's preflight and interpreter (on the compiled JSON), so both
 * agree on what depends on what.
 */
import type { PipelineDefinition, Step } from "./definition";
import { getReferences } from "./expressions";

export interface GraphStep<S> {
  readonly step: S;
  readonly name: string;
  readonly type: string;
  /** The condition step whose branch holds it. */
  readonly branchOf?: string;
}

/** Why part of a definition is not a step graph. Each caller words these itself (validation and the local preflight report differently). */
export type StepGraphProblem =
  | { readonly kind: "noSteps" }
  /** `where`: `Steps[0]` or `step Gate: Arguments.IfSteps[1]`. */
  | { readonly kind: "notAStep"; readonly where: string; readonly value: unknown }
  | { readonly kind: "duplicateName"; readonly name: string }
  | { readonly kind: "branchNotAList"; readonly condition: string; readonly branch: "IfSteps" | "ElseSteps" }
  /** A condition inside a branch that holds steps of its own (SageMaker allows no nesting; its branches are not read). */
  | { readonly kind: "nestedCondition"; readonly condition: string; readonly branchOf: string };

export interface StepGraphListener<S> {
  /** Each step as it is found, before its name is checked for duplicates (document order). */
  readonly step?: (found: GraphStep<S>) => void;
  /** Each problem as it is found (document order). */
  readonly problem?: (problem: StepGraphProblem) => void;
}

export interface StepGraph<S> {
  /** Every step by name, top-level steps in order, each condition's branch steps right after it; a repeated name keeps its first step. */
  readonly steps: ReadonlyMap<string, GraphStep<S>>;
  /** step -> the steps it waits for: DependsOn, `Get` references to other steps, and the condition that owns a branch step. */
  readonly dependencies: ReadonlyMap<string, ReadonlySet<string>>;
}

type Fields = { readonly [key: string]: unknown };
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The graph of a typed definition, or of parsed JSON whose steps are `S` (only Name and Type are
 * checked here; anything else that is wrong is the caller's to report).
 */
export function stepGraph(definition: PipelineDefinition, listener?: StepGraphListener<Step>): StepGraph<Step>;
export function stepGraph<S extends object>(definition: unknown, listener?: StepGraphListener<S>): StepGraph<S>;
export function stepGraph<S extends object>(definition: unknown, listener: StepGraphListener<S> = {}): StepGraph<S> {
  const steps = new Map<string, GraphStep<S>>();
  const report = (problem: StepGraphProblem): void => listener.problem?.(problem);
  const add = (value: unknown, where: string, branchOf?: string): void => {
    if (!isObject(value) || typeof value.Name !== "string" || typeof value.Type !== "string") return report({ kind: "notAStep", where, value });
    const found: GraphStep<S> = { step: value as S, name: value.Name, type: value.Type, ...(branchOf ? { branchOf } : {}) };
    listener.step?.(found);
    if (steps.has(found.name)) report({ kind: "duplicateName", name: found.name });
    else steps.set(found.name, found);
    if (found.type !== "Condition") return;
    const args = isObject(value.Arguments) ? value.Arguments : {};
    for (const branch of ["IfSteps", "ElseSteps"] as const) {
      const list = args[branch] ?? [];
      if (!Array.isArray(list)) {
        report({ kind: "branchNotAList", condition: found.name, branch });
        continue;
      }
      if (branchOf) {
        if (list.length > 0) report({ kind: "nestedCondition", condition: found.name, branchOf });
        continue;
      }
      list.forEach((nested, i) => add(nested, `step ${found.name}: Arguments.${branch}[${i}]`, found.name));
    }
  };
  const topLevel = isObject(definition) ? definition.Steps : undefined;
  if (Array.isArray(topLevel)) topLevel.forEach((step, i) => add(step, `Steps[${i}]`));
  else report({ kind: "noSteps" });
  return { steps, dependencies: dependenciesOf(steps) };
}

function dependenciesOf(steps: ReadonlyMap<string, GraphStep<object>>): Map<string, Set<string>> {
  const dependencies = new Map<string, Set<string>>();
  for (const { step: body, name, branchOf } of steps.values()) {
    const step = body as Fields;
    const edges = new Set<string>();
    // A step that names itself in DependsOn keeps that edge: the cycle check reports it.
    for (const d of Array.isArray(step.DependsOn) ? step.DependsOn : []) if (typeof d === "string" && steps.has(d)) edges.add(d);
    for (const reference of getReferences(ownBody(step))) {
      const target = /^Steps\.([^.[]+)/.exec(reference)?.[1];
      if (target && target !== name && steps.has(target)) edges.add(target);
    }
    if (branchOf) edges.add(branchOf);
    dependencies.set(name, edges);
  }
  return dependencies;
}

/** A step without the branch steps of a condition: those are steps of their own, with their own references. */
export function ownBody<S extends object>(step: S): S {
  const fields = step as Fields;
  if (fields.Type !== "Condition" || !isObject(fields.Arguments)) return step;
  return { ...fields, Arguments: { ...fields.Arguments, IfSteps: [], ElseSteps: [] } } as unknown as S;
}

/** The first cycle found, as a path that ends where it starts (deterministic: nodes visited in sorted order). */
export function findCycle(graph: ReadonlyMap<string, ReadonlySet<string>>): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === "done") return undefined;
    if (state.get(node) === "visiting") return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, "visiting");
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, "done");
    return undefined;
  };
  for (const node of [...graph.keys()].sort()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}
