/**
 * The local model server: a node:http front on 127.0.0.1 (routing, the 6 MB limit, keep-alive) in
 * front of a pool of Python workers running training's inference.py handlers (worker.py).
 * docs/serving.md#the-local-server says why it is built so, and what it measures.
 */
import * as http from "node:http";
import * as os from "node:os";
import { OperationError, UsageError } from "../../core/errors";
import { BodyCollector, checkContentLength, errorBody, routeOf, tooLarge } from "./contract";
import type { WorkerReply } from "./framing";
import { WorkerEndedError } from "./modelWorker";
import { WorkerPool } from "./workerPool";
import type { LocalModelServer, LocalModelSource, LocalServerOptions } from "./types";

const HOST = "127.0.0.1";
const MAX_DEFAULT_WORKERS = 4;
/** How long the rest of a refused body is read (and dropped) before the connection is cut. */
const REFUSED_BODY_GRACE_MS = 2000;

/** The default worker count: one per CPU, at most 4. */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(os.availableParallelism(), MAX_DEFAULT_WORKERS));
}

/** Starts the server; resolves once GET /ping answers 200. */
export async function startLocalServer(options: LocalServerOptions): Promise<LocalModelServer> {
  const workers = options.workers ?? defaultWorkers();
  if (!Number.isInteger(workers) || workers < 1) throw new UsageError(`workers must be a whole number of at least 1, got ${workers}`);
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65535) throw new UsageError(`port must be 0-65535, got ${options.port}`);
  const server = new LocalServer(options, workers);
  await server.start();
  return server;
}

class LocalServer implements LocalModelServer {
  url = "";
  port = 0;
  private model: LocalModelSource;
  private pool: WorkerPool;
  private readonly draining = new Set<WorkerPool>();
  private readonly http: http.Server;
  private active = 0;
  private closing: Promise<void> | undefined;
  private swaps: Promise<void> = Promise.resolve();
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly options: LocalServerOptions,
    private readonly workers: number,
  ) {
    this.model = options.model;
    this.pool = this.newPool(options.model);
    this.http = http.createServer((req, res) => this.handle(req, res));
  }

  async start(): Promise<void> {
    const loading = this.pool.start();
    loading.catch(() => undefined);
    try {
      await this.listen();
    } catch (error) {
      await loading.then(() => this.pool.drain(), () => undefined);
      throw error;
    }
    try {
      await loading;
    } catch (error) {
      this.http.close();
      throw new OperationError(`cannot serve version ${this.model.version} (${this.model.modelPath}): ${(error as Error).message}`);
    }
    await this.confirmPing().catch(async (error: Error) => {
      await this.close();
      throw error;
    });
    this.options.log(`serving version ${this.model.version} at ${this.url} with ${this.workers} worker${this.workers === 1 ? "" : "s"}`);
  }

  served(): LocalModelSource {
    return this.model;
  }

  workerPids(): number[] {
    return [this.pool, ...this.draining].flatMap((pool) => pool.pids());
  }

  swap(model: LocalModelSource): Promise<void> {
    const swapped = this.swaps.then(async () => {
      if (this.closing) throw new UsageError("the server is closing: nothing to swap");
      const next = this.newPool(model);
      await next.start(); // the old workers keep answering meanwhile; a model that cannot load changes nothing
      const previous = this.pool;
      const before = this.model.version;
      this.pool = next;
      this.model = model;
      this.options.log(`serving version ${model.version}; draining the workers of version ${before}`);
      this.draining.add(previous);
      await previous.drain();
      this.draining.delete(previous);
    });
    this.swaps = swapped.catch(() => undefined);
    return swapped;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.swaps;
      const stopped = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeIdleConnections();
      if (this.active > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
      this.http.closeAllConnections();
      await Promise.all([this.pool.drain(), ...[...this.draining].map((pool) => pool.drain()), stopped]);
    })();
    return this.closing;
  }

  private newPool(model: LocalModelSource): WorkerPool {
    return new WorkerPool({ python: this.options.python, modelPath: model.modelPath, log: this.options.log, size: this.workers });
  }

  private listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.http.once("error", (error: NodeJS.ErrnoException) => {
        reject(error.code === "EADDRINUSE" ? new UsageError(`port ${this.options.port} on ${HOST} is in use: choose another port`) : error);
      });
      this.http.listen(this.options.port, HOST, () => {
        const address = this.http.address();
        this.port = typeof address === "object" && address ? address.port : this.options.port;
        this.url = `http://${HOST}:${this.port}`;
        resolve();
      });
    });
  }

  /** The promise of startLocalServer: a real GET /ping answered 200. */
  private confirmPing(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = http.get(`${this.url}/ping`, { agent: false }, (res) => {
        res.resume();
        if (res.statusCode === 200) resolve();
        else reject(new OperationError(`GET ${this.url}/ping answered ${res.statusCode} after the model was loaded`));
      });
      req.on("error", reject);
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.active++;
    res.once("close", () => {
      if (--this.active === 0) for (const wake of this.idle.splice(0)) wake();
    });
    if (this.closing) res.setHeader("Connection", "close");
    const route = routeOf(req.method ?? "", req.url ?? "/");
    if (route.kind === "refused") return this.refuse(req, res, route.status, route.message, route.allow ? { Allow: route.allow } : {});
    if (route.kind === "ping") {
      if (!this.pool.ready) return send(res, 503, "application/json", errorBody("no model worker is ready"));
      return send(res, 200, "application/json", Buffer.from(JSON.stringify({ status: "ready", version: this.model.version })));
    }
    const length = checkContentLength(req.headers["content-length"]);
    if (!length.ok) return this.refuse(req, res, length.status, length.message);
    const body = new BodyCollector();
    req.on("data", (chunk: Buffer) => {
      if (!body.add(chunk) && !res.headersSent) this.refuse(req, res, 413, tooLarge().message);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const pool = this.pool;
      pool.dispatch({ contentType: req.headers["content-type"] ?? "", accept: req.headers.accept ?? "", body: body.body() }).then(
        (reply: WorkerReply) => send(res, reply.status, reply.contentType, reply.body),
        (error: Error) => {
          const restarting = error instanceof WorkerEndedError && pool.ready;
          send(res, 500, "application/json", errorBody(`${error.message}${restarting ? "; the worker was restarted: send the request again" : ""}`));
        },
      );
    });
  }

  /**
   * An error before the body was read: answered at once with `Connection: close`. What the client still
   * sends is read and dropped (closing a socket with unread data resets it, and the client could lose
   * the answer), for REFUSED_BODY_GRACE_MS at most.
   */
  private refuse(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, headers: http.OutgoingHttpHeaders = {}): void {
    res.setHeader("Connection", "close");
    send(res, status, "application/json", errorBody(message), headers);
    req.resume();
    res.once("finish", () => setTimeout(() => req.destroy(), REFUSED_BODY_GRACE_MS).unref());
  }
}

function send(res: http.ServerResponse, status: number, contentType: string, body: Buffer, headers: http.OutgoingHttpHeaders = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { ...headers, "Content-Type": contentType, "Content-Length": body.length });
  res.end(body);
}
