/**
 * A lane: one isolated copy of the repository (its own Pulumi.<env>.yaml, which Pulumi writes to), its own
 * `file://` backend and its own AWS access key, where scenarios run one after the other through the real
 * CLI (`npm run automate`'s command line) and the plain `pulumi` CLI. Independent lanes run in parallel.
 *
 * Why a copy rather than the checkout: the first `pulumi` command on a stack writes `encryptionsalt` into
 * Pulumi.<env>.yaml (and re-indents its comments), and scenarios edit that file; a copy keeps the
 * checkout's tracked files untouched and lanes from seeing each other's edits.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseDocument } from "yaml";
import { credentialsFor } from "./awsFake";
import { REPO_ROOT, type Engine } from "./engine";

export interface LaneOptions {
  readonly name: string;
  /** Upper-case tag in the lane's access key (see credentialsFor). */
  readonly tag: string;
  readonly engine: Engine;
  readonly awsEndpoint: string;
  readonly root: string;
}

export interface Run {
  readonly command: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly seconds: number;
}

export interface Running {
  readonly child: ChildProcess;
  readonly done: Promise<Run>;
  /** Resolves when stderr or stdout has shown a line matching `pattern` (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
}

const ENV_ACCOUNTS: Readonly<Record<string, string>> = { dev: "111111111111", staging: "222222222222", prod: "333333333333" };

/** Every process a lane started and that has not ended yet (stopped with its descendants at the end). */
const running = new Set<ChildProcess>();
process.once("exit", () => stopAll());

/** Kills what is still running of the processes lanes started, with their descendants (Pulumi's plugins). */
export function stopAll(): number {
  let stopped = 0;
  for (const child of running) {
    if (child.pid === undefined) continue;
    for (const p of [child.pid, ...descendants(child.pid).map((d) => d.pid)].reverse()) {
      try {
        process.kill(p, "SIGKILL");
        stopped++;
      } catch {
        // already gone
      }
    }
  }
  running.clear();
  return stopped;
}

/** Pids and names of `pid`'s descendants (Linux /proc; none elsewhere). */
export function descendants(pid: number): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  const walk = (parent: number) => {
    let children: number[] = [];
    try {
      children = fs.readFileSync(`/proc/${parent}/task/${parent}/children`, "utf-8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return;
    }
    for (const c of children) {
      let name: string;
      try {
        name = fs.readFileSync(`/proc/${c}/comm`, "utf-8").trim();
      } catch {
        continue;
      }
      found.push({ pid: c, name });
      walk(c);
    }
  };
  walk(pid);
  return found;
}

export class Lane {
  readonly tree: string;
  readonly backend: string;
  private readonly env: NodeJS.ProcessEnv;

  constructor(
    readonly options: LaneOptions,
    readonly account: string,
  ) {
    const dir = path.join(options.root, options.name);
    this.tree = path.join(dir, "repo");
    this.backend = path.join(dir, "backend");
    fs.mkdirSync(this.backend, { recursive: true });
    copyRepository(REPO_ROOT, this.tree);
    this.env = laneEnv(options, this.backend, account);
  }

  get accessKeyId(): string {
    return credentialsFor(this.account, this.options.tag).AWS_ACCESS_KEY_ID;
  }

  /** `npm run automate -- <args>` in the lane's tree (node + the transpile cache, as package.json runs it). */
  automate(args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Running {
    return this.spawn(process.execPath, ["-r", "./scripts/ts-register.js", "automation/automate.ts", ...args], this.tree, extraEnv, `automate ${args.join(" ")}`);
  }

  /** A TypeScript script of the lane's tree, run like the CLI (node + the transpile cache), e.g. a fixture. */
  automateScript(script: string, args: readonly string[], extraEnv: Readonly<Record<string, string>> = {}): Running {
    return this.spawn(process.execPath, ["-r", "./scripts/ts-register.js", script, ...args], this.tree, extraEnv, `${script} ${args.join(" ")}`);
  }

  /** The plain Pulumi CLI in `cwd` (default: the lane's tree). */
  pulumi(args: readonly string[], cwd = this.tree): Running {
    return this.spawn("pulumi", [...args, "--non-interactive"], cwd, {}, `pulumi ${args.join(" ")}`);
  }

  /** `pulumi <args>` that must succeed; its stdout. */
  async pulumiOk(args: readonly string[], cwd = this.tree): Promise<string> {
    const run = await this.pulumi(args, cwd).done;
    if (run.code !== 0) throw new Error(`${run.command} failed (${run.code ?? run.signal}):\n${run.stdout}\n${run.stderr}`);
    return run.stdout;
  }

  /**
   * The stack's resources as its state holds them: the `file://` backend's checkpoint (what
   * `pulumi stack export` prints as `deployment`), read directly to spare a CLI run per look.
   */
  async state(stack: string): Promise<StackState> {
    const file = path.join(this.backend, ".pulumi", "stacks", "ml-pipeline", `${stack}.json`);
    if (!fs.existsSync(file)) return parseState(JSON.parse(await this.pulumiOk(["stack", "export", "--stack", stack])));
    const checkpoint = JSON.parse(fs.readFileSync(file, "utf-8")) as { checkpoint?: { latest?: unknown } };
    return parseState({ deployment: checkpoint.checkpoint?.latest ?? {} });
  }

  /** Lock files the backend holds for `stack` (none once every update has ended, however it ended). */
  locks(stack: string): string[] {
    const dir = path.join(this.backend, ".pulumi", "locks", "organization", "ml-pipeline", stack);
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")) : [];
  }

  /** Stacks of the ml-pipeline project in this lane's backend. */
  stacks(): string[] {
    const dir = path.join(this.backend, ".pulumi", "stacks", "ml-pipeline");
    return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(".json")).map((f) => f.slice(0, -".json".length)) : [];
  }

  /** Set (or, with undefined, remove) one key of the tree's Pulumi.<stack>.yaml, e.g. `ml-pipeline:registry` `protect`. */
  setConfig(stack: string, keyPath: readonly string[], value: unknown): void {
    const file = path.join(this.tree, `Pulumi.${stack}.yaml`);
    const document = parseDocument(fs.readFileSync(file, "utf-8"));
    if (value === undefined) document.deleteIn(["config", ...keyPath]);
    else document.setIn(["config", ...keyPath], value);
    fs.writeFileSync(file, document.toString());
  }

  readFile(relative: string): string {
    return fs.readFileSync(path.join(this.tree, relative), "utf-8");
  }

  writeFile(relative: string, text: string): void {
    fs.writeFileSync(path.join(this.tree, relative), text);
  }

  private spawn(command: string, args: readonly string[], cwd: string, extraEnv: Readonly<Record<string, string>>, label: string): Running {
    const started = Date.now();
    const child = spawn(command, [...args], { cwd, env: { ...this.env, ...extraEnv }, stdio: ["ignore", "pipe", "pipe"] });
    running.add(child);
    let stdout = "";
    let stderr = "";
    const waiters: { pattern: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
    const check = () => {
      for (const w of [...waiters]) {
        if (w.pattern.test(stdout) || w.pattern.test(stderr)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve();
        }
      }
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf-8");
      check();
    });
    child.stderr!.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf-8");
      check();
    });
    const done = new Promise<Run>((resolve, reject) => {
      child.once("error", reject);
      child.once("close", (code, signal) => {
        running.delete(child);
        for (const w of waiters.splice(0)) w.reject(new Error(`${label} ended (${code ?? signal}) before printing ${w.pattern}:\n${stdout}\n${stderr}`));
        resolve({ command: label, code, signal, stdout, stderr, seconds: (Date.now() - started) / 1000 });
      });
    });
    return {
      child,
      done,
      waitFor: (pattern) =>
        new Promise<void>((resolve, reject) => {
          waiters.push({ pattern, resolve, reject });
          check();
        }),
    };
  }
}

/** A new lane for the stacks of `env`'s account. */
export function newLane(options: LaneOptions, env: string): Lane {
  const account = ENV_ACCOUNTS[env];
  if (!account) throw new Error(`no account for env ${env}`);
  return new Lane(options, account);
}

export function suiteRoot(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "ml-pipeline-engine-"));
}

function laneEnv(options: LaneOptions, backend: string, account: string): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(AWS_|PULUMI_|GITHUB_)/.test(k) && !["TS_NODE_PROJECT", "NODE_OPTIONS", "CI"].includes(k)),
  );
  const nowhere = path.join(options.root, "no-aws-config");
  return {
    ...inherited,
    ...options.engine.env,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "engine-suite",
    // The program is type-checked by `tsc -p .` in npm test; were ts-node to run it, not again on every run.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
    // Offline: never try to download a plugin (a missing one is an error at once).
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL: options.awsEndpoint,
    AWS_CONFIG_FILE: `${nowhere}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${nowhere}/credentials`,
    ...credentialsFor(account, options.tag),
  };
}

/** Tracked and untracked (not ignored) files of `from`, copied to `to`; node_modules linked. */
export function copyRepository(from: string, to: string): void {
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: from, encoding: "utf-8" });
  const files = listed.status === 0 ? listed.stdout.split("\0").filter(Boolean) : walk(from, "");
  for (const file of files) {
    const source = path.join(from, file);
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(source);
    } catch {
      continue; // tracked but deleted in the working tree
    }
    if (!stat.isFile()) continue;
    const target = path.join(to, file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(source, target);
  }
  fs.symlinkSync(path.join(from, "node_modules"), path.join(to, "node_modules"), "dir");
}

const NOT_COPIED = new Set(["node_modules", ".git", ".venv", "data", ".ml-pipeline"]);

function walk(root: string, relative: string): string[] {
  return fs.readdirSync(path.join(root, relative), { withFileTypes: true }).flatMap((entry) => {
    const child = path.join(relative, entry.name);
    if (entry.isDirectory()) return NOT_COPIED.has(entry.name) ? [] : walk(root, child);
    return entry.isFile() ? [child] : [];
  });
}

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** A cloud resource or provider (false: a component or the stack). */
  readonly custom: boolean;
  readonly id?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly created?: string;
  readonly modified?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface StackState {
  readonly resources: readonly StateResource[];
  readonly pendingOperations: number;
  /** The resource of `type` named `name` (throws if there is not exactly one). */
  one(type: string, name?: string): StateResource;
}

export function parseState(exported: unknown): StackState {
  const deployment = (exported as { deployment?: { resources?: unknown[]; pending_operations?: unknown[] } }).deployment ?? {};
  const resources = (deployment.resources ?? []).map((raw): StateResource => {
    const r = raw as Record<string, unknown>;
    const urn = String(r.urn);
    return {
      urn,
      type: String(r.type),
      name: urn.slice(urn.lastIndexOf("::") + 2),
      custom: r.custom === true,
      ...(typeof r.id === "string" && r.id ? { id: r.id } : {}),
      protect: r.protect === true,
      retainOnDelete: r.retainOnDelete === true,
      ...(typeof r.created === "string" ? { created: r.created } : {}),
      ...(typeof r.modified === "string" ? { modified: r.modified } : {}),
      inputs: (r.inputs as Record<string, unknown> | undefined) ?? {},
      outputs: (r.outputs as Record<string, unknown> | undefined) ?? {},
    };
  });
  return {
    resources,
    pendingOperations: (deployment.pending_operations ?? []).length,
    one(type, name) {
      const found = resources.filter((r) => r.type === type && (name === undefined || r.name === name));
      if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""} in the state, found ${found.length}`);
      return found[0]!;
    },
  };
}
