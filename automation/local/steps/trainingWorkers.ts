/**
 * `ResourceConfig.InstanceCount` = N on the local target: N training hosts `algo-1` … `algo-N`, each one
 * worker process with its own `/opt/ml` folder, all on 127.0.0.1. The master (`algo-1`, the first host
 * sorted, as the SageMaker XGBoost container picks it) starts XGBoost's tracker in its script; the others
 * connect to it. Every line a worker prints goes to the step log prefixed `[algo-i]`. The first worker
 * that fails stops the others (their whole process groups) and fails the step with its own reason.
 */
import * as net from "node:net";
import { failureReason, runScript, type ScriptResult } from "../python";
import { StepFailure, StepStopped, type StepInvocation } from "./types";

/** The host names of an N-instance job, in the order SageMaker lists them. */
export function trainingHosts(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `algo-${i + 1}`);
}

/** Variables the worker scripts read beyond SageMaker's (training/titanic/cluster.py documents them). */
export function clusterVariables(hosts: readonly string[], trackerPort: number): Record<string, string> {
  return {
    ML_PIPELINE_TRACKER_PORT: String(trackerPort),
    // the host names have no DNS entries here: each resolves to 127.0.0.1, where every worker listens
    ML_PIPELINE_HOST_ADDRESSES: JSON.stringify(Object.fromEntries(hosts.map((h) => [h, "127.0.0.1"]))),
  };
}

/** A TCP port free on 127.0.0.1 now (the tracker binds it moments later; one per job, never a fixed 9099). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error("no free port on 127.0.0.1"))));
    });
  });
}

/** One host's worker process. */
export interface WorkerCommand {
  readonly host: string;
  readonly program: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Record<string, string>;
  /** Reads the host's /opt/ml/output/failure file, if it wrote one. */
  readonly failure: () => string | undefined;
}

/**
 * Run every worker at once; resolves with the first (master) worker's result when all succeeded.
 * A worker's failure stops the others and throws a StepFailure naming that host; the execution's stop
 * or the runtime limit stops all of them.
 */
export async function runWorkers(invocation: StepInvocation, workers: readonly WorkerCommand[], label: string, limitSeconds: number | undefined): Promise<ScriptResult> {
  const stopAll = new AbortController();
  const limit = new AbortController();
  const timer = limitSeconds ? setTimeout(() => limit.abort(), limitSeconds * 1000) : undefined;
  const signal = AbortSignal.any([invocation.signal, limit.signal, stopAll.signal]);
  const started = Date.now();
  let firstFailure: { readonly host: string; readonly reason: string } | undefined;
  for (const w of workers) invocation.log.note(`run [${w.host}]: ${[w.program, ...w.args].join(" ")} (cwd ${w.cwd})`);
  try {
    const results = await Promise.all(
      workers.map(async (worker, i) => {
        const result = await runScript({
          command: worker.program,
          args: worker.args,
          cwd: worker.cwd,
          env: worker.env,
          signal,
          onLine: (line) => invocation.log.output(`[${worker.host}] ${line}`),
          onProcess: (pid: number | null) => {
            if (pid !== null) invocation.log.note(`worker ${worker.host} pid ${pid}`);
            if (i === 0) invocation.onProcess(pid); // the step records one process: the master's
          },
        });
        invocation.log.note(`${label} on ${worker.host} ended after ${((Date.now() - started) / 1000).toFixed(2)}s: exit ${result.exitCode ?? result.exitSignal}`);
        if (result.exitCode !== 0 && !result.aborted && firstFailure === undefined) {
          const reported = worker.failure();
          firstFailure = { host: worker.host, reason: reported ? `${label} failed on ${worker.host}: ${reported}` : failureReason(`${label} on ${worker.host}`, result) };
          stopAll.abort(); // the others would wait for it forever
        }
        return result;
      }),
    );
    if (invocation.signal.aborted) throw new StepStopped();
    if (firstFailure !== undefined) {
      const others = workers.filter((w) => w.host !== firstFailure!.host).map((w) => w.host);
      invocation.log.note(`${firstFailure.host} failed: stopped ${others.join(", ")}`);
      throw new StepFailure(firstFailure.reason);
    }
    if (limit.signal.aborted) throw new StepFailure(`${label} ran longer than StoppingCondition.MaxRuntimeInSeconds (${limitSeconds}s) and was stopped`);
    return results[0]!;
  } finally {
    if (timer) clearTimeout(timer);
  }
}
