/**
 * Which registry version `deploy` serves (docs/architecture.md §8): `--version <n>`, `--stage
 * Production`, or by default the Production-stage version, else the newest Approved one. Only an
 * Approved version is ever served; anything else is refused before a change, naming the fix.
 */
import { UsageError } from "./errors";
import type { ModelVersionSummary } from "./registry";
import { formatVersionRanges } from "./registry";

export interface ServedVersionRequest {
  /** `--version <n>`. */
  readonly version?: number;
  /** `--stage <stage>`: only `Production` selects a version to serve. */
  readonly stage?: string;
}

export interface ServedVersionChoice {
  readonly version: ModelVersionSummary;
  /** Why this one, for the log: `--version 3`, `the Production version`, `the newest Approved version`. */
  readonly reason: string;
}

/** The version to serve among `versions` (any order), or a UsageError that names the version, its status and the fix. */
export function chooseServedVersion(versions: readonly ModelVersionSummary[], request: ServedVersionRequest, where: { readonly env: string; readonly group: string }): ServedVersionChoice {
  if (request.version !== undefined && request.stage !== undefined) throw new UsageError("give either --version or --stage, not both");
  if (request.stage !== undefined && request.stage !== "Production") {
    throw new UsageError(`--stage ${request.stage}: deploy serves the Production version only (--stage Production); name any other Approved version with --version <n>`);
  }
  const approve = (version: number) => `approve it first: npm run automate -- models approve --env ${where.env} --version ${version}`;
  if (request.version !== undefined) {
    const chosen = versions.find((v) => v.version === request.version);
    if (!chosen) {
      const known = versions.map((v) => v.version);
      throw new UsageError(`${where.group} has no version ${request.version}${known.length > 0 ? ` (its versions: ${formatVersionRanges(known)})` : " (it has no versions yet: run the pipeline first)"}`);
    }
    if (chosen.approvalStatus !== "Approved") throw new UsageError(`version ${chosen.version} is ${chosen.approvalStatus}: only an Approved version can be served; ${approve(chosen.version)}`);
    return { version: chosen, reason: `--version ${chosen.version}` };
  }
  const production = versions.find((v) => v.stage === "Production");
  if (production) {
    // The lifecycle lets only Approved versions into Production; a registry edited by hand is still checked.
    if (production.approvalStatus !== "Approved") throw new UsageError(`the Production version ${production.version} is ${production.approvalStatus}: only an Approved version can be served; ${approve(production.version)}`);
    return { version: production, reason: "the Production version" };
  }
  if (request.stage === "Production") {
    throw new UsageError(`${where.group} has no version in Production: promote one (npm run automate -- models promote --env ${where.env} --version <n> --stage Production), or name one with --version <n>`);
  }
  const newestApproved = [...versions].sort((a, b) => b.version - a.version).find((v) => v.approvalStatus === "Approved");
  if (newestApproved) return { version: newestApproved, reason: "the newest Approved version (none is in Production)" };
  if (versions.length === 0) throw new UsageError(`${where.group} has no versions yet: run the pipeline first (npm run automate -- up --env ${where.env}), then approve a version`);
  const newest = [...versions].sort((a, b) => b.version - a.version)[0]!;
  throw new UsageError(
    `${where.group} has no Approved version (the newest, version ${newest.version}, is ${newest.approvalStatus}): only an Approved version can be served; ${approve(newest.version)}`,
  );
}
