/**
 * The column parameters (`Target`, `FeatureColumns`, `CategoricalColumns`) checked the way
 * train_model.py will check them, before anything runs: every feature must be one the training code
 * can compute (a raw column of training/input_schema.json or a derived one such as Title from Name), a
 * text feature must be categorical, the target is no feature, and, given the data's header, every raw
 * column a feature is computed from and the target are in it. The feature list is generated from the
 * training code (trainingFeatures.json, scripts/generate-training-features.py), never retyped. Pure.
 */
import generated from "./trainingFeatures.json";
import { quote, type ParameterProblem } from "../parameterRules";
import { PARAMETER as P } from "./parameters";

export interface TrainingFeature {
  readonly kind: "number" | "string";
  /** The raw columns it is computed from (itself, for a raw column). */
  readonly inputs: readonly string[];
}

export interface FeatureCatalogue {
  /** The label column of training/input_schema.json. */
  readonly target: string;
  readonly features: Readonly<Record<string, TrainingFeature>>;
}

export const TRAINING_FEATURES: FeatureCatalogue = generated as FeatureCatalogue;

/** `A, B,,C` -> `["A", "B", "C"]`, as train_model.py reads a comma-separated list. */
export function columnList(text: string): string[] {
  return text
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
}

const derivedList = (catalogue: FeatureCatalogue) =>
  Object.entries(catalogue.features)
    .filter(([name, f]) => f.inputs.length !== 1 || f.inputs[0] !== name)
    .map(([name, f]) => `${name} (from ${f.inputs.join(", ")})`)
    .join(", ");
const rawList = (catalogue: FeatureCatalogue) =>
  Object.entries(catalogue.features)
    .filter(([name, f]) => f.inputs.length === 1 && f.inputs[0] === name)
    .map(([name]) => name)
    .join(", ");

/**
 * Problems of the column parameters among `values` (those the pipeline declares), and, with the data's
 * header, of the data: each names the parameter and the fix.
 */
export function columnProblems(values: Readonly<Record<string, string>>, header?: readonly string[], catalogue: FeatureCatalogue = TRAINING_FEATURES): ParameterProblem[] {
  const problems: ParameterProblem[] = [];
  const add = (parameter: string, message: string) => problems.push({ parameters: [parameter], message });
  const target = values[P.target];
  const features = values[P.featureColumns] === undefined ? undefined : columnList(values[P.featureColumns]!);
  const categorical = values[P.categoricalColumns] === undefined ? undefined : columnList(values[P.categoricalColumns]!);
  const known = (name: string) => Object.prototype.hasOwnProperty.call(catalogue.features, name);

  for (const [parameter, list] of [[P.featureColumns, features], [P.categoricalColumns, categorical]] as const) {
    if (!list) continue;
    const twice = list.filter((name, i) => list.indexOf(name) !== i);
    if (twice.length > 0) add(parameter, `${parameter}=${quote(values[parameter]!)} lists ${[...new Set(twice)].join(", ")} more than once: name each column once`);
    const unknown = [...new Set(list.filter((name) => !known(name) && name !== target))];
    if (unknown.length > 0) {
      add(
        parameter,
        `${parameter}=${quote(values[parameter]!)} names ${unknown.map(quote).join(", ")}, which train_model.py cannot compute: ` +
          `use raw columns (${rawList(catalogue)}) or derived features (${derivedList(catalogue)})`,
      );
    }
  }
  if (features && features.length === 0) add(P.featureColumns, `${P.featureColumns} is empty: name at least one feature, e.g. Pclass,Sex,Age`);
  if (features && target !== undefined && features.includes(target)) {
    add(P.featureColumns, `${P.featureColumns}=${quote(values[P.featureColumns]!)} names the target ${target}: the label cannot be a feature; remove it`);
  }
  if (features && categorical) {
    // train_model.py refuses these too, but only once the job runs: say it before anything starts.
    const outside = categorical.filter((name) => !features.includes(name) && name !== target);
    if (outside.length > 0) {
      add(P.categoricalColumns, `${P.categoricalColumns}=${quote(values[P.categoricalColumns]!)} names ${outside.map(quote).join(", ")}, which ${outside.length === 1 ? "is" : "are"} not in ${P.featureColumns}: add ${outside.length === 1 ? "it" : "them"} to ${P.featureColumns} or remove ${outside.length === 1 ? "it" : "them"} here`);
    }
    const text = features.filter((name) => catalogue.features[name]?.kind === "string" && !categorical.includes(name));
    if (text.length > 0) {
      add(P.categoricalColumns, `${text.join(", ")} ${text.length === 1 ? "holds" : "hold"} text: list ${text.length === 1 ? "it" : "them"} in ${P.categoricalColumns} too (train_model.py one-hot encodes text features)`);
    }
  }
  if (target !== undefined && target.trim() === "") add(P.target, `${P.target} is empty: name the 0/1 label column, e.g. ${catalogue.target}`);

  if (header) {
    const columns = new Set(header);
    const shown = header.join(", ");
    if (target !== undefined && target.trim() !== "" && !columns.has(target)) add(P.target, `${P.target}=${quote(target)}: the data has no such column (its columns: ${shown}); name its 0/1 label column`);
    for (const name of features ?? []) {
      const missing = (catalogue.features[name]?.inputs ?? []).filter((input) => !columns.has(input));
      if (missing.length === 0) continue;
      const needs = missing.length === 1 && missing[0] === name ? "the data has no such column" : `it is computed from ${missing.join(", ")}, which the data lacks`;
      add(P.featureColumns, `${P.featureColumns} names ${name}: ${needs} (its columns: ${shown}); remove ${name} or use data that has ${missing.join(", ")}`);
    }
  }
  return problems;
}
