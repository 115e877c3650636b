/** The local model server's public types (docs/serving.md#the-local-server). */

/** One registry version as the local server loads it. */
export interface LocalModelSource {
  /** The registry version number. */
  readonly version: number;
  /** The local registry's id of the version. */
  readonly packageArn: string;
  /** model.tar.gz (as the local registry stores it) or an extracted model folder. */
  readonly modelPath: string;
}

export interface LocalServerOptions {
  /** TCP port on 127.0.0.1; 0 = any free port (read it back from `LocalModelServer.port`). */
  readonly port: number;
  /** Python interpreter with training's requirements (from the local target's pythonEnv). */
  readonly python: string;
  readonly model: LocalModelSource;
  /** Worker processes (one request at a time each); default: the CPU count, at most 4. */
  readonly workers?: number;
  /** One line per event: listening, a worker restarted, a model swapped, a worker's stderr. */
  readonly log: (line: string) => void;
}

export interface LocalModelServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly port: number;
  /** The version answering new requests now. */
  served(): LocalModelSource;
  /** Load the new model in new workers, switch when they answer ping, drain the old ones: no request dropped. */
  swap(model: LocalModelSource): Promise<void>;
  /** Stop accepting, finish in-flight requests, stop every worker. */
  close(): Promise<void>;
  /** Process ids of the running model workers (for memory figures and tests). */
  workerPids(): number[];
}
