/** A fake execution to evaluate expressions against: parameters, one execution variable, step properties, property files, S3 JSON. */
import { evaluate, ExpressionError, type EvaluationContext, type Json } from "../../../automation/local/expressions";

export const context: EvaluationContext = {
  parameter: (name) => ({ Depth: 4, Eta: 0.25, Name: "xgb", On: true } as Record<string, string | number | boolean>)[name],
  executionVariable: (name) => (name === "PipelineExecutionId" ? "abc123" : undefined),
  stepProperty: (step, path) => {
    if (step === "Train" && path === "ModelArtifacts.S3ModelArtifacts") return "s3://local/m/model.tar.gz";
    throw new ExpressionError(`no ${step}.${path}`);
  },
  propertyFile: (step, file) => {
    if (step === "Eval" && file === "Report") return { metrics: { accuracy: { value: 0.81 } }, list: [10, 20], label: "ok" };
    throw new ExpressionError(`no file ${file}`);
  },
  readJson: (uri) => (uri === "s3://local/x.json" ? { v: 7 } : (() => { throw new ExpressionError(`no ${uri}`); })()),
};
export const jsonGet = (path: string): Json => ({ "Std:JsonGet": { PropertyFile: { Get: "Steps.Eval.PropertyFiles.Report" }, Path: path } });
export const ev = (value: Json): Json => evaluate(value, context, "Arguments");
