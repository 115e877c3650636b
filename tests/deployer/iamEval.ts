/**
 * A small IAM evaluator for tests: does an identity policy allow `action` on `resource` in a request
 * context? Explicit Deny wins; `*` and `?` wildcards in actions (case-insensitive) and resources; the
 * condition operators the project uses (StringEquals, StringLike, Bool, NumericLessThan, ArnEquals, ArnLike,
 * ArnNotEquals: a negated operator holds when the request lacks the key, as in IAM). An operator it
 * does not know throws, so a new kind of condition cannot silently pass.
 */
import { statementsOf } from "../../stack/iam/lint";

export type RequestContext = Readonly<Record<string, string>>;

const list = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);

function wildcard(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const regex = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, caseInsensitive ? "i" : "");
  return regex.test(value);
}

function conditionHolds(condition: unknown, context: RequestContext): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition as Record<string, Record<string, unknown>>).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) => {
      const actual = Object.entries(context).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
      const values = list(expected);
      if (operator === "ArnNotEquals") return actual === undefined || !values.some((v) => wildcard(v, actual, false));
      if (actual === undefined) return false;
      switch (operator) {
        case "StringEquals":
          return values.includes(actual);
        case "StringLike":
          return values.some((v) => wildcard(v, actual, false));
        case "Bool":
          return values.some((v) => v.toLowerCase() === actual.toLowerCase());
        case "ArnEquals":
        case "ArnLike":
          return values.some((v) => wildcard(v, actual, false));
        case "NumericLessThan":
          return values.some((v) => Number(actual) < Number(v));
        default:
          throw new Error(`iamEval does not know the condition operator ${operator}`);
      }
    }),
  );
}

function matches(statement: Record<string, unknown>, action: string, resource: string, context: RequestContext): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) throw new Error("iamEval does not evaluate NotAction/NotResource");
  return (
    list(statement.Action).some((a) => wildcard(a, action, true)) &&
    list(statement.Resource).some((r) => wildcard(r, resource, false)) &&
    conditionHolds(statement.Condition, context)
  );
}

export function allows(policy: unknown, action: string, resource: string, context: RequestContext = {}): boolean {
  const statements = (statementsOf(policy) ?? []) as Record<string, unknown>[];
  if (statements.some((s) => s.Effect === "Deny" && matches(s, action, resource, context))) return false;
  return statements.some((s) => s.Effect === "Allow" && matches(s, action, resource, context));
}
