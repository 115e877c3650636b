/**
 * `--env local` or `--env dev,staging,prod`: every name is opened (and its config validated) before
 * anything runs, so one bad name or config stops them all with every problem listed.
 */
import { UsageError } from "../core/errors";
import type { Environment, EnvironmentFactory } from "./environment";

/** The local target's name, and the default environment of every command. */
export const LOCAL_ENV = "local";

/** The names of a comma-separated `--env`, in order; empty or repeated names are usage errors. */
export function environmentNames(spec: string): string[] {
  const names = spec.split(",").map((n) => n.trim());
  if (names.some((n) => n === "")) throw new UsageError(`--env "${spec}" has an empty name; use e.g. --env dev or --env dev,staging`);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new UsageError(`--env names "${duplicate}" twice`);
  return names;
}

/** Opens every environment of `spec`; the problems of all bad ones are reported together. */
export function resolveEnvironments(spec: string, open: EnvironmentFactory): Environment[] {
  const problems: string[] = [];
  const environments: Environment[] = [];
  for (const name of environmentNames(spec)) {
    try {
      environments.push(open(name));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    for (const env of environments) env.close();
    throw new UsageError(problems.join("\n"));
  }
  return environments;
}

/** Exactly one environment (commands that act on one: run, definition, destroy, deployer-policy, models). */
export function singleEnvironmentName(spec: string, command: string, hint: string): string {
  if (spec.includes(",")) throw new UsageError(`${command} takes one environment${hint}`);
  return spec;
}
