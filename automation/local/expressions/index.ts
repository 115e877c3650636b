/**
 * The compiled definition as data: JSON values and checked readers for their fields, paths into them,
 * the expression language (`Get`, `Std:Join`, `Std:JsonGet`), conditions, and typed parameter values.
 * Pure: nothing here touches the store, a process or the file system.
 */
export {
  arrayField,
  describeJson,
  field,
  FieldError,
  isJsonObject,
  isPrimitive,
  objectField,
  objectsOf,
  optionalObject,
  optionalString,
  stringField,
  stringMap,
  type Json,
  type JsonObject,
  type JsonPrimitive,
} from "./json";
export { JsonPathError, parsePath, valueAtPath, type PathSegment } from "./jsonPath";
export {
  evaluate,
  EXPRESSION_FUNCTIONS,
  ExpressionError,
  expressionName,
  primitiveOperand,
  toPipelineString,
  type EvaluationContext,
  type ParameterValue,
} from "./evaluate";
export { COMPARISONS, CONDITION_TYPES, evaluateCondition, evaluateConditions, type OperandEvaluator } from "./conditions";
export { resolveParameters } from "./parameterValues";
