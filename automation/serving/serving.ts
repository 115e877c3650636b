/**
 * Serving (docs/architecture.md §8): one registry version served per environment. One interface,
 * implemented once per target (AWS: a separate serving stack per environment with a SageMaker endpoint;
 * local: a server on 127.0.0.1 in front of the same inference.py handlers). Commands never branch on
 * the target.
 */
import type { DeployOperation } from "../core/deployOperation";
import type { DeployReport, ServingMode, UpdateMode } from "../core/report";
import type { Log } from "../core/run";

/** One prediction, in request order (the HTTP contract's `predictions[i]`). */
export interface Prediction {
  readonly label: 0 | 1;
  readonly probability: number;
}

export type { ServingMode, UpdateMode } from "../core/report";

/** What an environment serves now. */
export interface ServedModel {
  readonly version: number;
  /** Model package ARN (AWS) or the local registry's id. */
  readonly packageArn: string;
  /** The SageMaker endpoint's name, or `local`. */
  readonly endpointName: string;
  /** Absent locally. */
  readonly endpointArn?: string;
  readonly mode: ServingMode;
}

/** A request body as the HTTP contract takes it. */
export interface PredictRequest {
  readonly contentType: "application/json" | "text/csv";
  /** JSON `{"instances": [...]}` or CSV with a header row of raw columns. */
  readonly body: string;
  /** Rows in the body (for batching and progress). */
  readonly rows: number;
}

/** `deploy`'s result: the summary JSON's `serving` (docs/architecture.md §8). */
export interface ServingDeployment extends ServedModel {
  readonly update: UpdateMode;
  /** Latency of the smoke test (the version's sample payload), milliseconds. */
  readonly smokeTestMs: number;
  /** The serving stack's deploy (AWS) or the store change (local). */
  readonly deploy: DeployReport;
}

export interface ServeOptions {
  readonly port: number;
  /** Serve this version instead of the deployed one (it must be Approved). */
  readonly version?: number;
  readonly log: Log;
  /** Aborting drains in-flight requests and stops the server. */
  readonly signal: AbortSignal;
  /** Called once the server answers `/ping` with 200. */
  readonly onReady?: (url: string) => void;
}

export interface EnvironmentServing {
  /** What is served now; undefined when nothing is. Never creates anything. */
  served(): Promise<ServedModel | undefined>;
  /** Serve `version` (already chosen and checked Approved by the command), wait until it answers, smoke-test it. */
  deploy(version: number, operation: DeployOperation): Promise<ServingDeployment>;
  /** Stop serving (AWS: remove the serving stack; the training stack stays). false when nothing was served. */
  undeploy(operation: DeployOperation): Promise<{ readonly removed: boolean; readonly deploy: DeployReport }>;
  /**
   * Predictions for the request, in order: from the served endpoint, or with `version` from that
   * version (locally in-process; on AWS only the served version can answer, so another is a UsageError).
   */
  predict(request: PredictRequest, options: { readonly version?: number; readonly signal: AbortSignal }): Promise<Prediction[]>;
  /** Run a server in the foreground until the signal aborts (local only; on AWS a UsageError pointing at `deploy`). */
  serve(options: ServeOptions): Promise<void>;
  close(): void;
}
