/**
 * What the Pulumi engine reported during one operation, read from its structured events (the Automation
 * API's `onEvent`) rather than from the text it prints: the `error:` diagnostics, the policy violations,
 * the policy checks it could not run during a preview, and the resources it actually changed.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export interface PolicyViolation {
  readonly policy: string;
  readonly pack: string;
  /** "mandatory" refuses the operation; "advisory"/"warning" only report. */
  readonly level: string;
  /** The rule's own message (without the policy's description line). */
  readonly message: string;
  readonly urn?: string;
}

/** A policy check the engine skipped in a preview because a value it needs is not known yet. */
export interface SkippedPolicyCheck {
  readonly policy: string;
  /** e.g. `string value at .roleArn can't be known during preview` */
  readonly reason: string;
  readonly urn?: string;
}

export interface EngineError {
  readonly message: string;
  readonly urn?: string;
}

/** Operations that leave a resource as it was. */
const NO_CHANGE = new Set(["same", "read", "refresh", "read-discard", "discard-replaced", "remove-pending-replace"]);
const SKIPPED = /^can't run policy '([^']+)' from policy pack '[^']*' during preview: (.*)$/s;

export class EngineEvents {
  readonly errors: EngineError[] = [];
  readonly violations: PolicyViolation[] = [];
  readonly skippedChecks: SkippedPolicyCheck[] = [];
  /** `op urn` of each step that completed and changed something, in order. */
  readonly changed: string[] = [];

  /** Pass as the Automation API's `onEvent`. */
  readonly onEvent = (event: EngineEvent): void => {
    const diagnostic = event.diagnosticEvent;
    if (diagnostic && diagnostic.severity === "error") {
      const message = plain(diagnostic.message);
      if (message) this.errors.push({ message, ...(diagnostic.urn ? { urn: diagnostic.urn } : {}) });
    }
    const policy = event.policyEvent;
    if (policy) {
      const message = plain(policy.message);
      const urn = policy.resourceUrn ? { urn: policy.resourceUrn } : {};
      const skipped = SKIPPED.exec(message);
      if (skipped) {
        this.skippedChecks.push({ policy: skipped[1]!, reason: skipped[2]!.trim(), ...urn });
      } else {
        // The engine prefixes the rule's message with the policy's description (one line).
        const lines = message.split("\n");
        const own = lines.length > 1 ? lines.slice(1).join("\n").trim() : message;
        this.violations.push({ policy: policy.policyName, pack: policy.policyPackName, level: String(policy.enforcementLevel), message: own, ...urn });
      }
    }
    const done = event.resOutputsEvent;
    if (done && !done.planning && !NO_CHANGE.has(done.metadata.op)) this.changed.push(`${done.metadata.op} ${done.metadata.urn}`);
  };

  get mandatoryViolations(): PolicyViolation[] {
    return this.violations.filter((v) => v.level === "mandatory");
  }

  /** The specific errors first; the engine's closing `update failed`/`preview failed` only when alone. */
  errorLines(): string[] {
    const lines = this.errors.map((e) => (e.urn ? `${resourceLabel(e.urn)}: ${e.message}` : e.message));
    const specific = lines.filter((l) => !GENERIC_FAILURE.test(l));
    return unique(specific.length > 0 ? specific : lines);
  }
}

const GENERIC_FAILURE = /(^|: )(update|preview|destroy|refresh) failed$/;

/** `name (type)` of a URN, e.g. `artifacts (aws:s3/bucket:Bucket)`. */
export function resourceLabel(urn: string): string {
  const parts = urn.split("::");
  const name = parts[parts.length - 1] ?? urn;
  const typePath = parts[parts.length - 2] ?? "";
  const type = typePath.slice(typePath.lastIndexOf("$") + 1);
  return type ? `${name} (${type})` : name;
}

/** Messages without color tags or trailing blank lines. */
function plain(text: string): string {
  return text.replace(/<\{%[^%]*%\}>/g, "").trim();
}

function unique(lines: string[]): string[] {
  return [...new Set(lines)];
}

/**
 * The `error:` lines of a CLI failure message, each with the lines that continue it (indented at least as
 * far: where the CLI puts the rest of a multi-line message); when there are none, the last lines.
 */
export function errorLinesOf(message: string, fallbackLines = 6): string[] {
  const lines = message.split("\n");
  const picked: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = /^(\s*)(?:stderr: )?error: ?(.*)$/.exec(line);
    if (!match) continue;
    const indent = match[1]!.length;
    const block = [match[2]!.trim()];
    for (let j = i + 1; j < lines.length && block.length < 8; j++) {
      const next = lines[j]!;
      if (next.trim() === "" || /^\s*(error|warning):/.test(next) || next.length - next.trimStart().length < indent) break;
      block.push(next.trim());
    }
    picked.push(block.join("\n  "));
  }
  const specific = picked.filter((l) => !GENERIC_FAILURE.test(l));
  if (specific.length > 0) return unique(specific);
  if (picked.length > 0) return unique(picked);
  return lines.filter((l) => l.trim() !== "").slice(-fallbackLines);
}
