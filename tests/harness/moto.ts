/**
 * A moto server (the AWS API emulator, `moto[server]` from tests/requirements.txt) for tests: bound to
 * 127.0.0.1 on a free port, ready when `start` resolves, stopped by `stop` (and on process exit, so a
 * crashed test run never leaves it behind).
 *
 *   const moto = await startMoto();   // in before()
 *   ... endpoint: moto.endpoint, credentials: MOTO_CREDENTIALS ...
 *   await moto.reset();               // between tests: forget every resource
 *   await moto.stop();                // in after()
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";

export const MOTO_REGION = "us-east-1";
/** moto's default account. */
export const MOTO_ACCOUNT_ID = "123456789012";
/** moto accepts any credentials; these keep the SDK's default chain out of the tests. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" } as const;

export interface MotoServer {
  readonly endpoint: string;
  readonly port: number;
  readonly pid: number;
  /** Forget every resource (POST /moto-api/reset). */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function testPython(): string {
  return process.env.ML_PIPELINE_TEST_PYTHON ?? path.resolve(__dirname, "../../.venv/bin/python");
}

export async function startMoto(options: { readonly python?: string; readonly readyTimeoutMs?: number } = {}): Promise<MotoServer> {
  const python = options.python ?? testPython();
  if (!fs.existsSync(python)) {
    throw new Error(`no Python for moto at ${python}: run \`node -r ts-node/register/transpile-only scripts/setup-python.ts --dev\` (or npm test), or set ML_PIPELINE_TEST_PYTHON`);
  }
  const port = await freePort();
  const child = spawn(python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, MOTO_CALL_RESET_API: "true", PYTHONUNBUFFERED: "1" },
  });
  let stderr = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr = (stderr + chunk.toString("utf-8")).slice(-4000);
  });
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(endpoint, child, options.readyTimeoutMs ?? 30_000, () => stderr);
  } catch (error) {
    await stopChild(child);
    process.removeListener("exit", killOnExit);
    throw error;
  }
  return {
    endpoint,
    port,
    pid: child.pid!,
    reset: async () => {
      const response = await fetch(`${endpoint}/moto-api/reset`, { method: "POST" });
      if (!response.ok) throw new Error(`moto reset failed: HTTP ${response.status}`);
    },
    stop: async () => {
      await stopChild(child);
      process.removeListener("exit", killOnExit);
    },
  };
}

/** A port the OS has just handed out on 127.0.0.1 (released again for moto to bind). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error("no free port"))));
    });
  });
}

async function waitUntilReady(endpoint: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`moto server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${stderr()}`);
    try {
      const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`moto server on ${endpoint} was not ready after ${timeoutMs} ms:\n${stderr()}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
  await exited;
  clearTimeout(timer);
}
