/**
 * Every value a run sends to SageMaker, checked as SageMaker will see it once resolved: each step's
 * request field against the length, pattern, enum and range of its API shape (requestConstraints.ts,
 * from AWS's API model), and each parameter value against StartPipelineExecution's. A problem names the
 * parameters that feed the value and how to fix them. Pure.
 */
import { getReferences } from "../expressions";
import { typedParameterValue, type ParameterDeclaration } from "../parameters";
import { DefinitionResolver, Unresolved, type ExecutionPlaceholders, type Resolved } from "../resolve";
import { awsPattern, constraintPath, patternCharacterClass, SAGEMAKER_CONSTRAINTS, type ConstraintSet, type FieldConstraint } from "./requestConstraints";
import { isExpressionNode, requestFields, START_OPERATION, type FieldSegment, type SageMakerOperation } from "./requestFields";

export interface ShapeCheckInput {
  /** The compiled definition, or a deployed one (JSON). */
  readonly definition: unknown;
  readonly declarations: readonly ParameterDeclaration[];
  /** Every parameter's value as text, as the execution gets it: defaults, overrides and the values the driver sets. */
  readonly values: Readonly<Record<string, string>>;
  readonly execution: ExecutionPlaceholders;
  /** Parameters the user cannot change (set by the driver): a fix names the others. */
  readonly fixed?: readonly string[];
  readonly constraints?: ConstraintSet;
}

export interface ShapeProblem {
  /** The parameters whose values make the field what it is (none: the definition itself). */
  readonly parameters: readonly string[];
  readonly message: string;
}

const NUMBER_TYPES = new Set(["integer", "long", "float", "double"]);

export function requestShapeProblems(input: ShapeCheckInput): ShapeProblem[] {
  const constraints = input.constraints ?? SAGEMAKER_CONSTRAINTS;
  const problems: ShapeProblem[] = [];
  const typed: Record<string, string | number | boolean> = {};
  for (const d of input.declarations) {
    const text = input.values[d.name];
    if (text === undefined) continue;
    const value = typedParameterValue(d, text);
    if (typeof value !== "object") typed[d.name] = value;
    for (const [member, given] of [["Name", d.name], ["Value", text]] as const) {
      const constraint = nodeAt(constraints, START_OPERATION, ["PipelineParameters", 0, member]);
      const violation = constraint && violationOf(given, constraint);
      if (violation) problems.push({ parameters: [d.name], message: `${d.name}${member === "Value" ? `=${show(text)}` : ""}: the parameter ${member.toLowerCase()} ${violation.what}; ${START_OPERATION} ${violation.allowed}` });
    }
  }

  const resolver = new DefinitionResolver(input.definition, { parameters: typed, execution: input.execution });
  for (const field of requestFields(input.definition)) {
    const path = constraintPath(field.operation, field.segments, constraints);
    const constraint = path === undefined ? undefined : constraints.operations[field.operation]?.[path];
    if (!constraint) continue;
    const where = `${field.step}'s ${displayPath(constraints, field.operation, field.segments)}`;
    const parameters = [...new Set(getReferences(field.value).filter((r) => r.startsWith("Parameters.")).map((r) => r.slice("Parameters.".length)))];
    if (Array.isArray(field.value) || (typeof field.value === "object" && field.value !== null && !isExpressionNode(field.value))) {
      const entries = Array.isArray(field.value) ? field.value.length : Object.keys(field.value).length;
      if (constraint.type === "list" || constraint.type === "map") {
        const count = countViolation(entries, constraint);
        if (count) problems.push({ parameters: [], message: `the definition's ${where} has ${entries} entries; ${field.operation} ${count}: fix the pipeline or its stack configuration` });
      }
      if (constraint.type === "map" && constraint.key && !Array.isArray(field.value)) {
        for (const key of Object.keys(field.value)) {
          const violation = violationOf(key, constraint.key);
          if (violation) problems.push({ parameters: [], message: `the definition's ${where} key ${show(key)} ${violation.what}; ${field.operation} ${violation.allowed}: fix the pipeline` });
        }
      }
      continue;
    }
    const resolved = resolver.resolve(field.value, field.step);
    if (resolved instanceof Unresolved || resolved === null || typeof resolved === "object") continue;
    const violation = violationOf(resolved, constraint);
    if (!violation) continue;
    // Blame what the user can change; values the driver sets count as fixed text (unless nothing else feeds the field).
    const adjustable = parameters.filter((name) => !(input.fixed ?? []).includes(name));
    const blamed = adjustable.length > 0 ? adjustable : parameters;
    problems.push({ parameters: blamed, message: describe({ where, operation: field.operation, resolved, violation, parameters: blamed, values: input.values, references: getReferences(field.value) }) });
  }
  return problems;
}

interface Violation {
  readonly kind: "tooLong" | "tooShort" | "pattern" | "enum" | "range";
  /** What is wrong with the value, e.g. `is 264 characters`. */
  readonly what: string;
  /** What the operation allows, e.g. `accepts at most 256 (ContainerArgument)`. */
  readonly allowed: string;
  readonly limit?: number;
  /** The characters a pattern refuses, when it is one character class. */
  readonly refused?: readonly string[];
}

function violationOf(value: string | number | boolean, c: FieldConstraint): Violation | undefined {
  if (NUMBER_TYPES.has(c.type)) {
    if (typeof value !== "number") return undefined;
    if (c.min !== undefined && value < c.min) return { kind: "range", what: `is ${value}`, allowed: `accepts at least ${c.min} (${c.shape})` };
    if (c.max !== undefined && value > c.max) return { kind: "range", what: `is ${value}`, allowed: `accepts at most ${c.max} (${c.shape})` };
    return undefined;
  }
  if (c.type !== "string") return undefined;
  const text = String(value);
  if (c.max !== undefined && text.length > c.max) return { kind: "tooLong", what: `is ${text.length} characters`, allowed: `accepts at most ${c.max} (${c.shape})`, limit: c.max };
  if (c.min !== undefined && text.length < c.min) {
    return { kind: "tooShort", what: text.length === 0 ? "is empty" : `is ${text.length} characters`, allowed: `needs at least ${c.min} character${c.min === 1 ? "" : "s"} (${c.shape})`, limit: c.min };
  }
  if (c.enum && !c.enum.includes(text)) return { kind: "enum", what: `is ${show(text)}`, allowed: `accepts only its ${c.shape} values: ${suggest(text, c.enum)}` };
  if (c.pattern && !awsPattern(c.pattern).test(text)) {
    const allowedCharacters = patternCharacterClass(c.pattern);
    if (allowedCharacters) {
      const bad = [...new Set([...text].filter((ch) => !allowedCharacters.test(ch)))];
      return { kind: "pattern", what: `holds ${bad.map((ch) => JSON.stringify(ch)).join(", ")}`, allowed: `accepts only characters of ${allowedCharacters.source} (${c.shape})`, refused: bad };
    }
    return { kind: "pattern", what: `is ${show(text)}`, allowed: `accepts only values matching ${c.pattern} (${c.shape})` };
  }
  return undefined;
}

function countViolation(entries: number, c: FieldConstraint): string | undefined {
  if (c.max !== undefined && entries > c.max) return `accepts at most ${c.max} (${c.shape})`;
  if (c.min !== undefined && entries < c.min) return `needs at least ${c.min} (${c.shape})`;
  return undefined;
}

function describe(p: {
  where: string;
  operation: SageMakerOperation;
  resolved: string | number | boolean;
  violation: Violation;
  parameters: readonly string[];
  values: Readonly<Record<string, string>>;
  references: readonly string[];
}): string {
  const { violation, parameters } = p;
  const text = String(p.resolved);
  const subject = parameters.length === 0 ? "the definition" : parameters.map((name) => `${name}=${show(p.values[name] ?? "")}`).join(", ");
  const shown = violation.kind === "tooLong" ? `${text.length} characters` : violation.kind === "tooShort" && text === "" ? "empty" : show(text);
  const which = violation.kind === "pattern" ? `, which ${violation.what}` : "";
  return `${subject}: ${p.where} would be ${shown}${which}; ${p.operation} ${violation.allowed}: ${fix(p, text)}`;
}

function fix(p: { violation: Violation; parameters: readonly string[]; values: Readonly<Record<string, string>>; references: readonly string[] }, text: string): string {
  const { violation, parameters } = p;
  if (parameters.length === 0) return "fix the pipeline or its stack configuration";
  const names = parameters.join(" and ");
  switch (violation.kind) {
    case "tooLong": {
      const excess = text.length - violation.limit!;
      if (parameters.length === 1) {
        const name = parameters[0]!;
        const uses = p.references.filter((r) => r === `Parameters.${name}`).length || 1;
        const own = (p.values[name] ?? "").length;
        const most = Math.floor((violation.limit! - (text.length - uses * own)) / uses);
        return most > 0 ? `use a ${name} of at most ${most} characters` : `${name} cannot make it fit`;
      }
      return `shorten ${names} by ${excess} characters together`;
    }
    case "tooShort":
      return `give ${names} a value`;
    case "pattern":
      return violation.refused ? `remove ${violation.refused.map((ch) => JSON.stringify(ch)).join(", ")} from ${names}` : `change ${names} to match it`;
    case "enum":
    case "range":
      return `use an allowed ${names}`;
  }
}

/** Up to 8 allowed values, those of the same family (`ml.m5.`) first. */
function suggest(value: string, allowed: readonly string[]): string {
  const family = value.includes(".") ? value.slice(0, value.lastIndexOf(".") + 1) : value.slice(0, 3);
  const near = allowed.filter((a) => a.startsWith(family));
  const shown = (near.length > 0 ? near : allowed).slice(0, 8);
  return `${shown.join(", ")}${allowed.length > shown.length ? `, … (${allowed.length} in all)` : ""}`;
}

/** A value for a message: JSON-quoted, long ones cut with their length. */
export function show(value: string): string {
  return value.length > 72 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
}

function nodeAt(constraints: ConstraintSet, operation: SageMakerOperation, segments: readonly FieldSegment[]): FieldConstraint | undefined {
  const path = constraintPath(operation, segments, constraints);
  return path === undefined ? undefined : constraints.operations[operation]?.[path];
}

/** `ContainerArguments[3]`, `CustomerMetadataProperties["train-data"]`: the concrete field. */
function displayPath(constraints: ConstraintSet, operation: SageMakerOperation, segments: readonly FieldSegment[]): string {
  let text = "";
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const parent = i === 0 ? undefined : nodeAt(constraints, operation, segments.slice(0, i));
    if (typeof segment === "number") text += `[${segment}]`;
    else if (parent?.type === "map") text += `[${JSON.stringify(segment)}]`;
    else text += text ? `.${segment}` : segment;
  }
  return text;
}

export type { Resolved };
