/** How a bad stack configuration is reported: one error listing every bad key. */

export interface ConfigProblem {
  /** Fully qualified key, with a path for structured values, e.g. `ml-pipeline:bucket.forceDestroy`. */
  readonly key: string;
  /** What was given (JSON), or `(missing)`. */
  readonly given: string;
  /** What is allowed, and how to fix it. */
  readonly allowed: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stackName: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(
      `invalid configuration for stack "${stackName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.key}: given ${p.given}; allowed: ${p.allowed}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}
