/**
 * `serve --env local`: the local model server (automation/serving/local) for the deployed version, or
 * an Approved `--version`, in the foreground. It follows `deploy --env local`: the served record is
 * read every `pollMs` and a change swaps the model with no request dropped. The server is recorded in
 * the store while it runs (so `predict` can use it) and stops, draining, when the signal aborts.
 */
import { UsageError } from "../../core/errors";
import type { ServeOptions } from "../../serving/serving";
import { LocalRegistry, ServingRecords, type Db } from "../store";
import { modelSourceOf } from "./versionModel";

export interface ServeLocallyOptions extends ServeOptions {
  readonly db: Db;
  readonly home: string;
  readonly group: string;
  readonly python: () => Promise<string>;
  readonly pollMs: number;
}

export async function serveLocally(options: ServeLocallyOptions): Promise<void> {
  const { db, group, log, signal } = options;
  const records = new ServingRecords(db, group);
  const registry = new LocalRegistry(db, options.home);
  const deployed = records.served();
  const version = options.version ?? deployed?.version;
  if (version === undefined) throw new UsageError("nothing is deployed to local: deploy a version first (npm run automate -- deploy --env local), or serve one with --version <n>");
  const detail = registry.describe(group, version);
  if (detail.approvalStatus !== "Approved") {
    throw new UsageError(`version ${version} is ${detail.approvalStatus}: only an Approved version can be served; approve it first: npm run automate -- models approve --env local --version ${version}`);
  }
  const python = await options.python();
  if (signal.aborted) return;
  const { startLocalServer } = require("../../serving/local") as typeof import("../../serving/local");
  const server = await startLocalServer({ port: options.port, python, model: modelSourceOf(detail), log });
  try {
    records.registerServer(server.url, version);
    if (!signal.aborted) options.onReady?.(server.url);
    let lastSeen = deployed?.version;
    const follow = async (): Promise<void> => {
      const current = records.served()?.version;
      if (current === lastSeen) return;
      lastSeen = current;
      if (current === undefined) return log(`nothing is deployed to local any more: still serving version ${server.served().version} until stopped`);
      if (current === server.served().version) return;
      log(`deploy --env local chose version ${current}: swapping from version ${server.served().version}`);
      try {
        await server.swap(modelSourceOf(registry.describe(group, current)));
        records.serverSwapped(current);
      } catch (error) {
        log(`could not swap to version ${current} (${(error as Error).message}): still serving version ${server.served().version}`);
      }
    };
    await new Promise<void>((resolve) => {
      let polling = Promise.resolve();
      let lastProblem = "";
      const timer = setInterval(() => {
        polling = polling.then(follow).then(
          () => void (lastProblem = ""),
          (error: Error) => {
            // Said once, not every poll (a store removed under a running server fails every read).
            if (error.message !== lastProblem) log(`reading the served version failed (${error.message}): still serving version ${server.served().version}`);
            lastProblem = error.message;
          },
        );
      }, options.pollMs);
      const stop = () => {
        clearInterval(timer);
        log("stopping: finishing the requests in flight");
        void polling.then(resolve);
      };
      if (signal.aborted) stop();
      else signal.addEventListener("abort", stop, { once: true });
    });
  } finally {
    records.removeServer();
    await server.close();
  }
}
