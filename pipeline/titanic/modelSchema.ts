/**
 * The model's input and output schema, from `training/input_schema.json` and `output_schema.json` (the
 * files the Python code validates requests against), summarised for the registry's metadata.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface ModelSchema {
  /**
   * `Pclass:integer:required Sex:string:required Age:number …`: every raw column. Space-separated because
   * SageMaker's customer metadata allows only letters, digits, spaces and `_.:/=+-@` (no commas).
   */
  readonly inputColumns: string;
  /** `probability:number label:integer` */
  readonly outputFields: string;
  readonly targetColumn: string;
  /** A sample request body (CSV with a header). */
  readonly sampleCsv: string;
}

interface Column {
  readonly name: string;
  readonly type: string;
  readonly required?: boolean;
}

export function parseModelSchema(input: unknown, output: unknown): ModelSchema {
  const i = input as { columns?: Column[]; target?: { name?: string }; sample_request?: { csv?: string } };
  const o = output as { fields?: Column[] };
  if (!Array.isArray(i.columns) || i.columns.length === 0 || !i.target?.name || typeof i.sample_request?.csv !== "string") {
    throw new Error("training/input_schema.json needs columns, target.name and sample_request.csv");
  }
  if (!Array.isArray(o.fields) || o.fields.length === 0) throw new Error("training/output_schema.json needs fields");
  return {
    inputColumns: i.columns.map((c) => `${c.name}:${c.type}${c.required ? ":required" : ""}`).join(" "),
    outputFields: o.fields.map((f) => `${f.name}:${f.type}`).join(" "),
    targetColumn: i.target.name,
    sampleCsv: i.sample_request.csv,
  };
}

export function loadModelSchema(trainingDir: string): ModelSchema {
  const read = (name: string) => JSON.parse(fs.readFileSync(path.join(trainingDir, name), "utf8")) as unknown;
  return parseModelSchema(read("input_schema.json"), read("output_schema.json"));
}
