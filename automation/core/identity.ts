/**
 * What identifies a run: the commit it was started from, a deterministic idempotency token (a retried
 * CI job gets the same token, so SageMaker does not start a second execution) and a display name.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { canonicalJson } from "../../pipeline/canonicalJson";

/** `GITHUB_SHA`, else `git rev-parse HEAD` (with `-dirty` for uncommitted changes), else `unknown`. */
export function currentCommit(repoRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  try {
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: repoRoot, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return "unknown";
  }
}

export interface TokenInput {
  readonly pipeline: string;
  readonly commit: string;
  /** Explicit parameter overrides. */
  readonly parameters: Readonly<Record<string, string>>;
  /** Hashes of what the execution will read (staged data), so new data starts a new execution. */
  readonly inputs?: Readonly<Record<string, string>>;
  /** CI run id (GITHUB_RUN_ID): attempts of one CI run share it; another run does not. */
  readonly ciRunId?: string;
  /** `--rerun`: anything unique, to force a new execution of an unchanged request. */
  readonly nonce?: string;
}

/** 64 hex characters (SageMaker accepts 32-128). */
export function clientRequestToken(input: TokenInput): string {
  return createHash("sha256").update(canonicalJson(input)).digest("hex");
}

/** `<env>-<commit12>[-dirty]` within SageMaker's display-name rules (`[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}`). */
export function executionDisplayName(commit: string, env: string): string {
  const safe = (s: string) => s.replace(/[^a-zA-Z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  const dirty = commit.endsWith("-dirty");
  const sha = dirty ? commit.slice(0, -"-dirty".length) : commit;
  return safe(`${env}-${sha.slice(0, 12)}${dirty ? "-dirty" : ""}`).slice(0, 82).replace(/-+$/, "") || "run";
}

export interface RunIdentityInput {
  readonly pipeline: string;
  readonly commit: string;
  readonly parameters: Readonly<Record<string, string>>;
  readonly inputs: Readonly<Record<string, string>>;
  readonly ciRunId?: string;
  /** Start a new execution even for an identical request (`--rerun`, or a target where runs are not reused). */
  readonly newExecution: boolean;
  /** Shown in the execution's display name: the environment, or `run` for `run --pipeline`. */
  readonly label: string;
  readonly now: () => number;
}

/** The idempotency token and display name of one run request: the one place both are made. */
export function runIdentity(input: RunIdentityInput): { readonly clientRequestToken: string; readonly displayName: string } {
  return {
    clientRequestToken: clientRequestToken({
      pipeline: input.pipeline,
      commit: input.commit,
      parameters: input.parameters,
      inputs: input.inputs,
      ...(input.ciRunId ? { ciRunId: input.ciRunId } : {}),
      ...(input.newExecution ? { nonce: String(input.now()) } : {}),
    }),
    displayName: executionDisplayName(input.commit, input.label),
  };
}
