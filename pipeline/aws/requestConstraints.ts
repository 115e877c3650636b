/**
 * SageMaker's request-shape constraints (length, pattern, enum, range) of the fields the pipeline
 * definition uses, as AWS's API model states them. `sagemakerConstraints.json` is generated from
 * botocore's service model by scripts/generate-sagemaker-constraints.ts and checked in; a test fails
 * when it is not what the generator produces. Nothing here is retyped from the documentation.
 */
import generated from "./sagemakerConstraints.json";
import type { FieldSegment, SageMakerOperation } from "./requestFields";

export interface FieldConstraint {
  /** The API model's shape name, e.g. `CustomerMetadataValue`. */
  readonly shape: string;
  readonly type: string;
  /** Strings: length; lists and maps: entries; numbers: value. */
  readonly min?: number;
  readonly max?: number;
  /** A Java regular expression the whole value must match (AWS validates full matches). */
  readonly pattern?: string;
  readonly enum?: readonly string[];
  /** A map's keys. */
  readonly key?: FieldConstraint;
}

export interface ConstraintSet {
  readonly source: { readonly botocore: string; readonly service: string; readonly apiVersion: string };
  /** Operation -> normalised field path (`A.B[]`, `Map.*`) -> constraint. */
  readonly operations: Readonly<Record<string, Readonly<Record<string, FieldConstraint>>>>;
}

/** The checked-in constraints (pipeline/aws/sagemakerConstraints.json). */
export const SAGEMAKER_CONSTRAINTS: ConstraintSet = generated as ConstraintSet;

/**
 * A field's path as the constraints file writes it: list indices become `[]`, map keys `.*`. Undefined
 * when the file does not know the field (a definition deployed from elsewhere may use more fields).
 */
export function constraintPath(operation: SageMakerOperation, segments: readonly FieldSegment[], constraints: ConstraintSet = SAGEMAKER_CONSTRAINTS): string | undefined {
  const nodes = constraints.operations[operation];
  if (!nodes) return undefined;
  let path = "";
  let type = "structure";
  for (const segment of segments) {
    if (type === "list") path += "[]";
    else if (type === "map") path += ".*";
    else if (type === "structure" && typeof segment === "string") path = path ? `${path}.${segment}` : segment;
    else return undefined;
    const node = nodes[path];
    if (!node) return undefined;
    type = node.type;
  }
  return path;
}

export function fieldConstraint(operation: SageMakerOperation, segments: readonly FieldSegment[], constraints: ConstraintSet = SAGEMAKER_CONSTRAINTS): FieldConstraint | undefined {
  const path = constraintPath(operation, segments, constraints);
  return path === undefined ? undefined : constraints.operations[operation]?.[path];
}

/**
 * An AWS (Java) pattern as a JavaScript RegExp that matches whole values, with Unicode classes
 * (`\p{L}`). The model's quirks are normalised: a quantifier on `$` (`...${1,256}`, a length the
 * min/max already state) is dropped, and `\/` needs no escape.
 */
export function awsPattern(pattern: string): RegExp {
  const source = pattern.replace(/\$\{\d+,\d+\}$/, "$").replace(/\\\//g, "/");
  return new RegExp(`^(?:${source})$`, "u");
}

/** The characters a value may hold when the pattern is one character class repeated (`[...]*`); else undefined. */
export function patternCharacterClass(pattern: string): RegExp | undefined {
  const match = /^\(?(\[[^\]]+\])\*\)?(?:\$(?:\{\d+,\d+\})?)?$/.exec(pattern);
  return match ? new RegExp(match[1]!.replace(/\\\//g, "/"), "u") : undefined;
}
