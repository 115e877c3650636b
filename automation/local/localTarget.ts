/**
 * The local target: `run` records an execution, interprets the compiled definition and reports it like
 * the AWS target does (status, steps, the registered model), honouring timeout, abort signal and the
 * client request token. The definition was checked once, when the target was prepared (preflight.ts).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ObjectStore } from "../core/objectStore";
import type { ParameterDeclaration } from "../../pipeline/parameters";
import type { RegistryClient } from "../core/registry";
import type { ExecutionReport } from "../core/report";
import type { RunOutcome, RunRequest } from "../core/run";
import { resolveParameters, type JsonObject } from "./expressions";
import { interpret, type InterpretResult } from "./interpreter";
import type { RunnableDefinition } from "./preflight";
import type { WarmPython } from "./python";
import { executionArn, isTerminal, type Db, type ExecutionStore, type LocalObjects, type LocalRegistry } from "./store";

export interface LocalTarget {
  /** The compiled definition, parsed back from its JSON: exactly what runs (and what AWS would get). */
  readonly definition: JsonObject;
  readonly declarations: ParameterDeclaration[];
  /** bucketName, pipelineName, modelPackageGroupName, dataPrefix (`s3://local/data/`), home (the store folder). */
  readonly outputs: Record<string, string>;
  readonly objectStore: ObjectStore;
  readonly registry: RegistryClient;
  run(request: RunRequest): Promise<RunOutcome>;
  close(): void;
}

export interface LocalTargetParts {
  readonly db: Db;
  readonly definition: RunnableDefinition;
  readonly definitionSha256: string;
  readonly declarations: ParameterDeclaration[];
  readonly outputs: Record<string, string>;
  readonly pipelineName: string;
  readonly modelPackageGroupName: string;
  readonly python: string;
  /** Started by prepareLocal (and closed with the target): step scripts fork from it instead of importing numpy/pandas/xgboost each. */
  readonly warmPython?: WarmPython;
  readonly objects: LocalObjects;
  readonly records: ExecutionStore;
  readonly registry: LocalRegistry;
}

const POLL_MS = 200;
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** 12 lowercase letters and digits, like SageMaker's PipelineExecutionId. */
export function newExecutionId(): string {
  return [...randomBytes(12)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join("");
}

export class LocalTargetImpl implements LocalTarget {
  readonly definition: JsonObject;
  readonly declarations: ParameterDeclaration[];
  readonly outputs: Record<string, string>;
  readonly objectStore: ObjectStore;
  readonly registry: RegistryClient;
  private closed = false;

  constructor(private readonly parts: LocalTargetParts) {
    this.definition = parts.definition.json;
    this.declarations = parts.declarations;
    this.outputs = parts.outputs;
    this.objectStore = parts.objects;
    this.registry = parts.registry.client(parts.modelPackageGroupName);
  }

  async run(request: RunRequest): Promise<RunOutcome> {
    const { records } = this.parts;
    // The one typed check of the overrides, before anything is recorded: a bad parameter changes nothing.
    const parameters = resolveParameters(this.definition.Parameters, request.parameters);

    const created = records.create({
      id: newExecutionId(),
      pipelineName: this.parts.pipelineName,
      displayName: request.displayName,
      clientToken: request.clientRequestToken,
      parameters: request.parameters,
      definitionSha256: this.parts.definitionSha256,
    });
    if (!created.created) return this.existing(created.id, request);
    const id = created.id;
    const folder = records.folder(id);

    let interruption: "TimedOut" | "Stopped" | undefined;
    const controller = new AbortController();
    const stop = (why: "TimedOut" | "Stopped") => {
      if (controller.signal.aborted) return;
      interruption = why;
      records.markStopping(id);
      request.log(`${why === "TimedOut" ? "timed out" : "interrupted"}: stopping execution ${id}`);
      controller.abort();
    };
    const onSignal = () => stop("Stopped");
    request.signal.addEventListener("abort", onSignal, { once: true });
    const timer = request.timeoutMs !== undefined ? setTimeout(() => stop("TimedOut"), request.timeoutMs) : undefined;
    if (request.signal.aborted) onSignal();

    const progress = () => request.progress.update({ status: records.status(id) ?? "Executing", steps: records.steps(id) });
    request.log(`execution ${executionArn(id)} started${request.displayName ? ` (${request.displayName})` : ""}; logs in ${path.join(folder, "logs")}`);
    let result: InterpretResult;
    try {
      result = await interpret({
        graph: this.parts.definition.graph,
        executionId: id,
        pipelineName: this.parts.pipelineName,
        startedAt: records.report(id)!.startedAt,
        parameters,
        python: this.parts.python,
        ...(this.parts.warmPython ? { warmPython: this.parts.warmPython } : {}),
        objects: this.parts.objects,
        registry: this.parts.registry,
        records,
        folder,
        signal: controller.signal,
        log: request.log,
        onChange: progress,
      });
    } catch (error) {
      result = { status: "Failed", failureReason: `the local target failed: ${(error as Error).message}` };
    } finally {
      if (timer) clearTimeout(timer);
      request.signal.removeEventListener("abort", onSignal);
    }
    records.finish(id, result.status, result.failureReason);
    progress();
    request.progress.done();
    // Asynchronously: the files are removed in parallel (a few times faster than one by one on a busy disk).
    if (result.status === "Succeeded") await fs.promises.rm(path.join(folder, "steps"), { recursive: true, force: true });
    else request.log(`step working folders kept for inspection in ${path.join(folder, "steps")}`);
    return this.outcome(id, interruption);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.parts.warmPython?.close();
    this.parts.db.close();
  }

  private outcome(id: string, interruption?: "TimedOut" | "Stopped", reused = false): RunOutcome {
    const execution: ExecutionReport = { ...this.parts.records.report(id)!, reused };
    return { execution, model: this.parts.registry.registeredBy(id), ...(interruption ? { interruption } : {}) };
  }

  /** The execution a previous request with the same token started: wait for its end (another process may run it). */
  private async existing(id: string, request: RunRequest): Promise<RunOutcome> {
    const { records } = this.parts;
    request.log(`identical request: execution ${executionArn(id)} already ran it (same client request token), so nothing new starts; reporting that execution (--rerun starts a new one)`);
    const deadline = request.timeoutMs !== undefined ? Date.now() + request.timeoutMs : Infinity;
    for (;;) {
      records.recoverAbandoned(request.log);
      const status = records.status(id);
      if (status === undefined || isTerminal(status)) break;
      if (request.signal.aborted) return this.outcome(id, "Stopped", true);
      if (Date.now() > deadline) return this.outcome(id, "TimedOut", true);
      request.progress.update({ status, steps: records.steps(id) });
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    request.progress.update({ status: records.status(id) ?? "Failed", steps: records.steps(id) });
    request.progress.done();
    return this.outcome(id, undefined, true);
  }
}
