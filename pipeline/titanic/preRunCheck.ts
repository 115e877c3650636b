/**
 * The Titanic pipeline's pre-run check: everything that can be known wrong about an execution before
 * it starts, from its parameter values (defaults, `--param` overrides and the values the driver sets)
 * and, when known, the data's header. Parameter rules (parameterRules.ts), the column parameters
 * against the training code and the data (columns.ts), and every resolved request field against
 * SageMaker's API shapes (aws/requestShapes.ts). Pure; the driver reports the problems all at once.
 */
import { requestShapeProblems } from "../aws/requestShapes";
import { parameterRuleProblems, quote, type ParameterProblem } from "../parameterRules";
import type { ParameterDeclaration } from "../parameters";
import type { ExecutionPlaceholders } from "../resolve";
import { columnProblems } from "./columns";
import { PARAMETER as P } from "./parameters";
import { DRIVER_OWNED_PARAMETERS, PARAMETER_RULES } from "./parameterRules";

export interface TitanicRunInput {
  /** The definition that will run: compiled here, or the deployed one. */
  readonly definition: unknown;
  readonly declarations: readonly ParameterDeclaration[];
  /** Every declared parameter's value as text: defaults, overrides and the driver's values. */
  readonly values: Readonly<Record<string, string>>;
  /** The data's header, when the data is known (`up`, `run --env`). */
  readonly header?: readonly string[];
  readonly execution: ExecutionPlaceholders;
}

export function titanicRunProblems(input: TitanicRunInput): ParameterProblem[] {
  const declared = new Set(input.declarations.map((d) => d.name));
  const values = Object.fromEntries(Object.entries(input.values).filter(([name]) => declared.has(name)));
  const rules = parameterRuleProblems(values, input.declarations, PARAMETER_RULES);
  if (values[P.trainFile] !== undefined && values[P.trainFile] === values[P.testFile]) {
    rules.push({ parameters: [P.trainFile, P.testFile], message: `${P.trainFile} and ${P.testFile} are both ${quote(values[P.trainFile]!)}: the test split would overwrite the training split; give them different names` });
  }
  const problems = [...rules, ...columnProblems(values, input.header)];
  // A value its own rule refuses is reported once, not again for each request field it feeds.
  const refused = new Set(rules.flatMap((p) => p.parameters));
  const shapes = requestShapeProblems({ definition: input.definition, declarations: input.declarations, values, execution: input.execution, fixed: DRIVER_OWNED_PARAMETERS });
  return [...problems, ...shapes.filter((p) => p.parameters.length === 0 || !p.parameters.every((name) => refused.has(name)))];
}
