/** Condition step semantics: comparisons, In, Not, Or; the step's Conditions all must hold (AND). */
import { describeJson, isJsonObject, type Json } from "./json";
import { ExpressionError, primitiveOperand } from "./evaluate";

export const COMPARISONS = ["Equals", "GreaterThan", "GreaterThanOrEqualTo", "LessThan", "LessThanOrEqualTo"] as const;
export const CONDITION_TYPES = [...COMPARISONS, "In", "Not", "Or"] as const;

type Operand = string | number | boolean;
/** Evaluates an operand (literal or expression) to its value. */
export type OperandEvaluator = (value: Json, where: string) => Json;

const kind = (v: Operand): string => (typeof v === "number" ? "number" : typeof v === "string" ? "string" : "boolean");

function equal(left: Operand, right: Operand, where: string): boolean {
  if (typeof left !== typeof right) {
    throw new ExpressionError(`${where}: cannot compare the ${kind(left)} ${JSON.stringify(left)} with the ${kind(right)} ${JSON.stringify(right)}`);
  }
  return left === right;
}

function order(left: Operand, right: Operand, where: string): number {
  const bothNumbers = typeof left === "number" && typeof right === "number";
  const bothStrings = typeof left === "string" && typeof right === "string";
  if (!bothNumbers && !bothStrings) {
    throw new ExpressionError(`${where}: cannot order the ${kind(left)} ${JSON.stringify(left)} against the ${kind(right)} ${JSON.stringify(right)} (numbers with numbers, strings with strings)`);
  }
  return left < right ? -1 : left > right ? 1 : 0;
}

export function evaluateCondition(condition: Json, operand: OperandEvaluator, where: string): boolean {
  if (!isJsonObject(condition) || typeof condition.Type !== "string") throw new ExpressionError(`${where}: a condition needs a Type, not ${describeJson(condition)}`);
  const type = condition.Type;
  const value = (key: string): Operand => {
    if (condition[key] === undefined) throw new ExpressionError(`${where}: ${/^[AEIOU]/.test(type) ? "an" : "a"} ${type} condition needs ${key}`);
    return primitiveOperand(operand(condition[key]!, `${where}.${key}`), `${where}.${key}`);
  };
  switch (type) {
    case "Equals":
      return equal(value("LeftValue"), value("RightValue"), where);
    case "GreaterThan":
      return order(value("LeftValue"), value("RightValue"), where) > 0;
    case "GreaterThanOrEqualTo":
      return order(value("LeftValue"), value("RightValue"), where) >= 0;
    case "LessThan":
      return order(value("LeftValue"), value("RightValue"), where) < 0;
    case "LessThanOrEqualTo":
      return order(value("LeftValue"), value("RightValue"), where) <= 0;
    case "In": {
      const query = value("QueryValue");
      if (!Array.isArray(condition.Values)) throw new ExpressionError(`${where}: an In condition needs a Values list`);
      return condition.Values.some((item, i) => equal(query, primitiveOperand(operand(item, `${where}.Values[${i}]`), `${where}.Values[${i}]`), where));
    }
    case "Not":
      if (condition.Condition === undefined) throw new ExpressionError(`${where}: a Not condition needs a Condition`);
      return !evaluateCondition(condition.Condition, operand, `${where}.Condition`);
    case "Or": {
      if (!Array.isArray(condition.Conditions) || condition.Conditions.length === 0) throw new ExpressionError(`${where}: an Or condition needs a non-empty Conditions list`);
      // Every branch is evaluated (an error in any of them is reported, not hidden by an earlier true).
      const results = condition.Conditions.map((c, i) => evaluateCondition(c, operand, `${where}.Conditions[${i}]`));
      return results.some(Boolean);
    }
    default:
      throw new ExpressionError(`${where}: the local target does not know the condition type "${type}" (it runs ${CONDITION_TYPES.join(", ")})`);
  }
}

/** The Conditions list of a Condition step: true when every one holds. */
export function evaluateConditions(conditions: readonly Json[], operand: OperandEvaluator, where: string): boolean {
  const results = conditions.map((c, i) => evaluateCondition(c, operand, `${where}[${i}]`));
  return results.every(Boolean);
}
