/** Definition -> validated, canonical JSON text: the body SageMaker receives, byte-identical for the same input. */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonicalJson";
import type { PipelineDefinition } from "./definition";
import { PipelineDefinitionError, validateDefinition } from "./validate";

/** Above this the SageMaker SDK stores a definition in S3 instead of inline; so do we. */
export const INLINE_DEFINITION_LIMIT_BYTES = 100 * 1024;
/** CreatePipeline/UpdatePipeline refuse longer definitions, even from S3. */
export const MAX_DEFINITION_CHARACTERS = 1_048_576;

export interface CompiledPipeline {
  readonly definition: PipelineDefinition;
  /** Canonical JSON, no whitespace: what is deployed. */
  readonly json: string;
  readonly bytes: number;
  readonly sha256: string;
  /** Inline body, or an S3 object (the definition is larger than the inline limit). */
  readonly storage: "inline" | "s3";
}

export function compilePipeline(definition: PipelineDefinition, inlineLimitBytes: number = INLINE_DEFINITION_LIMIT_BYTES): CompiledPipeline {
  const problems = validateDefinition(definition);
  const json = canonicalJson(definition);
  if (json.length > MAX_DEFINITION_CHARACTERS) {
    problems.push(`the definition is ${json.length} characters; SageMaker accepts at most ${MAX_DEFINITION_CHARACTERS}`);
  }
  if (problems.length > 0) throw new PipelineDefinitionError(problems);
  const bytes = Buffer.byteLength(json, "utf8");
  return {
    definition,
    json,
    bytes,
    sha256: createHash("sha256").update(json).digest("hex"),
    storage: bytes > inlineLimitBytes ? "s3" : "inline",
  };
}

/** The same definition for people: sorted keys, two-space indent (what `definition` prints and the golden file holds). */
export const prettyDefinition = (compiled: CompiledPipeline): string => `${canonicalJson(compiled.definition, 2)}\n`;
