/**
 * Serving on the local target (docs/architecture.md §8): `deploy --env local` smoke-tests a version
 * in-process and then records in the store that it is served; `serve` runs the HTTP server for it
 * (serveLoop.ts); `predict` asks a running server that answers with the wanted version, else runs the
 * model in-process. Reading what is served never creates a store.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { OperationError, UsageError } from "../../core/errors";
import type { Log } from "../../core/run";
import type { EnvironmentServing, Prediction, PredictRequest, ServedModel, ServingDeployment } from "../../serving/serving";
import { LOCAL } from "../constants";
import { LocalObjects, LocalRegistry, modelPackageArn, openDatabase, ServingRecords, type Db } from "../store";
import { modelSourceOf, samplePayloadKey, sampleRequest } from "./versionModel";

export interface LocalServingOptions {
  readonly repoRoot: string;
  /** Store folder. */
  readonly home: string;
  readonly log: Log;
  /** Who deploys (recorded with the served version): the local registry's author. */
  readonly author: string;
  /** Python interpreter; defaults to `$PYTHON`, else the repo's .venv (the local target's resolution). */
  readonly python?: string;
  /** How often `serve` reads the served record to follow `deploy --env local` (default 250 ms). */
  readonly pollMs?: number;
  readonly now?: () => number;
}

/** What local serving reports as its endpoint. */
export const LOCAL_ENDPOINT = "local";

export function localServing(options: LocalServingOptions): EnvironmentServing {
  const group = LOCAL.modelPackageGroupName;
  const now = options.now ?? Date.now;
  const storeExists = () => fs.existsSync(path.join(options.home, "store.db"));
  /** Open the store for one call; without one there are no versions to serve. */
  const withStore = async <T>(use: (db: Db) => Promise<T>): Promise<T> => {
    if (!storeExists()) throw new UsageError(`there is no local store in ${options.home} yet, so no model versions: run the pipeline first (npm run automate)`);
    const db = openDatabase(options.home);
    try {
      return await use(db);
    } finally {
      db.close();
    }
  };
  const python = async (): Promise<string> => {
    const { ensurePythonEnv } = require("../python") as typeof import("../python");
    return ensurePythonEnv({ repoRoot: options.repoRoot, log: options.log, ...(options.python ? { python: options.python } : {}) });
  };
  const servedModel = (version: number): ServedModel => ({ version, packageArn: modelPackageArn(group, version), endpointName: LOCAL_ENDPOINT, mode: "local" });
  const library = () => require("../../serving/local") as typeof import("../../serving/local");

  return {
    async served() {
      if (!storeExists()) return undefined;
      return withStore(async (db) => {
        const record = new ServingRecords(db, group).served();
        return record ? servedModel(record.version) : undefined;
      });
    },

    async deploy(version, operation): Promise<ServingDeployment> {
      const started = now();
      return withStore(async (db) => {
        const detail = new LocalRegistry(db, options.home).describe(group, version);
        if (detail.approvalStatus !== "Approved") throw new UsageError(`version ${version} is ${detail.approvalStatus}: only an Approved version can be served; approve it first: npm run automate -- models approve --env local --version ${version}`);
        const key = samplePayloadKey(detail);
        const sample = await sampleRequest(new LocalObjects(db, options.home, LOCAL.bucket).file({ bucket: LOCAL.bucket, key }), key);
        const interpreter = await python();
        // The smoke test runs before anything changes: a version whose model cannot answer is never recorded as served.
        const { smokeTest } = require("./smokeTest") as typeof import("./smokeTest");
        const smoke = await smokeTest(interpreter, modelSourceOf(detail), sample, operation.onOutput);
        if (operation.signal.aborted) throw new OperationError("deploy interrupted before anything changed");
        operation.onOutput(`smoke test: ${smoke.predictions.length} prediction(s) for the sample payload's ${sample.rows} row(s) in ${smoke.ms} ms (model loaded in ${smoke.loadMs} ms)`);
        operation.onChanging();
        const before = new ServingRecords(db, group).serve(version, options.author);
        const update = before === undefined ? "create" : before.version === version ? "unchanged" : "all-at-once";
        for (const server of new ServingRecords(db, group).liveServers()) {
          if (server.version !== version) operation.onOutput(`the server at ${server.url} (pid ${server.pid}) swaps from version ${server.version} to ${version} without dropping requests`);
        }
        const changes = update === "unchanged" ? {} : { [update === "create" ? "create" : "update"]: 1 };
        return { ...servedModel(version), update, smokeTestMs: smoke.ms, deploy: { status: "succeeded", changes, seconds: Math.round((now() - started) / 100) / 10 } };
      });
    },

    async undeploy(operation) {
      const started = now();
      if (!storeExists()) return { removed: false, deploy: { status: "succeeded", changes: {}, seconds: 0 } };
      return withStore(async (db) => {
        operation.onChanging();
        const removed = new ServingRecords(db, group).clear();
        if (removed) operation.onOutput("a running server keeps answering with the version it has until it is stopped");
        const changes: Record<string, number> = removed ? { delete: 1 } : {};
        return { removed, deploy: { status: "succeeded" as const, changes, seconds: Math.round((now() - started) / 100) / 10 } };
      });
    },

    async predict(request, predictOptions) {
      return withStore(async (db) => {
        const records = new ServingRecords(db, group);
        const version = predictOptions.version ?? records.served()?.version;
        if (version === undefined) throw new UsageError("nothing is served on local: deploy a version first (npm run automate -- deploy --env local), or name one with --version <n>");
        const detail = new LocalRegistry(db, options.home).describe(group, version);
        const server = records.liveServers().find((s) => s.version === version);
        if (server) {
          try {
            options.log(`predicting with version ${version} through the server at ${server.url} (pid ${server.pid})`);
            return await predictThroughServer(server.url, request, predictOptions.signal);
          } catch (error) {
            if (error instanceof UsageError || predictOptions.signal.aborted) throw error;
            options.log(`the server at ${server.url} did not answer (${(error as Error).message}): predicting in-process instead`);
          }
        }
        options.log(`predicting with version ${version} in-process (no running server answers with it)`);
        return library().predictOnce(await python(), modelSourceOf(detail), request, options.log);
      });
    },

    async serve(serveOptions) {
      const { serveLocally } = require("./serveLoop") as typeof import("./serveLoop");
      return withStore(async (db) => serveLocally({ db, home: options.home, group, python, pollMs: options.pollMs ?? 250, ...serveOptions }));
    },

    close: () => undefined,
  };
}

/** The request through a running local server, in batches under its payload limit (the same as a real-time endpoint's). */
async function predictThroughServer(url: string, request: PredictRequest, signal: AbortSignal): Promise<Prediction[]> {
  const { batchRequest, payloadLimitBytes } = require("../../serving/batching") as typeof import("../../serving/batching");
  const { predictionsOfReply } = require("../../serving/local") as typeof import("../../serving/local");
  const predictions: Prediction[] = [];
  for (const batch of batchRequest(request, payloadLimitBytes("local"))) {
    const response = await fetch(`${url}/invocations`, { method: "POST", headers: { "Content-Type": batch.contentType, Accept: "application/json" }, body: batch.body, signal });
    predictions.push(...predictionsOfReply(response.status, await response.text(), batch.rows));
  }
  return predictions;
}
