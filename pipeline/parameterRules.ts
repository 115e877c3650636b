/**
 * What a pipeline parameter's value must be beyond its SageMaker type: a range, a list of allowed
 * values, a format; whether only the driver may set it. A pipeline declares one rule per parameter
 * (pipeline/titanic/parameterRules.ts), each with the reason for its bound; `parameterRuleProblems`
 * checks values against them before anything runs. Pure.
 */
import { typedParameterValue, type ParameterDeclaration } from "./parameters";

interface RuleBase {
  /** Why the bound is what it is (shown with a problem). */
  readonly why: string;
  /** Set by the driver at start (e.g. the staged data's hash); `--param` may not set it. */
  readonly driverOwned?: true;
}

export type ParameterRule = RuleBase &
  (
    | { readonly kind: "integer"; readonly min: number; readonly max: number }
    | { readonly kind: "number"; readonly min: number; readonly max: number; readonly minExclusive?: true }
    | { readonly kind: "oneOf"; readonly values: readonly string[] }
    | { readonly kind: "text"; readonly check: (value: string) => boolean; readonly allowed: string }
    /** Column names of the data: checked against the training code's features and the data's header. */
    | { readonly kind: "columns" }
  );

/** A problem with one parameter's value: it names the parameter, what is allowed and why. */
export interface ParameterProblem {
  readonly parameters: readonly string[];
  readonly message: string;
}

/** A value for a message: JSON-quoted, long ones cut with their length. */
export function quote(value: string): string {
  return value.length > 72 ? `${JSON.stringify(value.slice(0, 60))}… (${value.length} characters)` : JSON.stringify(value);
}

/** What a rule allows, as the fix of a problem (`use an integer from 1 to 20`). */
export function allowedBy(rule: ParameterRule): string {
  switch (rule.kind) {
    case "integer":
      return `an integer from ${rule.min} to ${rule.max}`;
    case "number":
      return rule.minExclusive ? `a number above ${rule.min}, up to ${rule.max}` : `a number from ${rule.min} to ${rule.max}`;
    case "oneOf":
      return `one of ${rule.values.join(", ")}`;
    case "text":
      return rule.allowed;
    case "columns":
      return "column names of the data";
  }
}

/** Whether a typed value obeys the rule (column rules are checked elsewhere, against the data). */
function obeys(rule: ParameterRule, value: string | number | boolean): boolean {
  switch (rule.kind) {
    case "integer":
    case "number":
      return typeof value === "number" && value <= rule.max && (rule.kind === "number" && rule.minExclusive ? value > rule.min : value >= rule.min);
    case "oneOf":
      return rule.values.includes(String(value));
    case "text":
      return rule.check(String(value));
    case "columns":
      return true;
  }
}

/**
 * Every declared parameter that has a rule and a value, checked against it. Values that are not of the
 * declared type are left to the type check (`typedParameterValue`), which reports them.
 */
export function parameterRuleProblems(
  values: Readonly<Record<string, string>>,
  declarations: readonly ParameterDeclaration[],
  rules: Readonly<Record<string, ParameterRule>>,
): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  for (const d of declarations) {
    const rule = rules[d.name];
    const text = values[d.name];
    if (!rule || text === undefined) continue;
    const typed = typedParameterValue(d, text);
    if (typeof typed === "object" || obeys(rule, typed)) continue;
    problems.push({ parameters: [d.name], message: `${d.name}=${quote(text)}: use ${allowedBy(rule)}. Why: ${rule.why}` });
  }
  return problems;
}

/** The parameters only the driver sets. */
export function driverOwnedParameters(rules: Readonly<Record<string, ParameterRule>>): string[] {
  return Object.entries(rules)
    .filter(([, rule]) => rule.driverOwned)
    .map(([name]) => name);
}
