/**
 * Runs the real Pulumi program under `pulumi.runtime.setMocks` and records what it registers: type, name,
 * inputs, and the options the engine would see (parent, protect, retainOnDelete, dependencies, provider).
 *
 * Invokes that are not mocked throw, so a new data source cannot slip in untested.
 */
import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const TEST_ACCOUNT = "111111111111";

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly urn: string;
  readonly parentUrn: string;
  readonly inputs: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly dependencies: readonly string[];
  readonly provider: string;
  readonly custom: boolean;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean;
  getRetainondelete(): boolean;
  getDependenciesList(): string[];
  getProvider(): string;
  getCustom(): boolean;
}
interface RegisterResponse {
  getUrn(): string;
}
type Callback = (err: Error | null, response?: RegisterResponse) => void;
interface MonitorWithRegister {
  registerResource(req: RegisterRequest, callback: Callback): Promise<void>;
}
interface RuntimeWithRpcWait {
  waitForRPCs(): Promise<void>;
}

/** Computed properties a real provider would return, per resource type. */
function computedState(type: string, name: string, inputs: Record<string, unknown>, accountId: string, region: string): Record<string, unknown> {
  switch (type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = (inputs.bucket as string | undefined) ?? `${name}-generated`;
      return { bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:iam/role:Role": {
      const roleName = (inputs.name as string | undefined) ?? name;
      return { name: roleName, arn: `arn:aws:iam::${accountId}:role/${roleName}` };
    }
    case "aws-native:sagemaker:ModelPackageGroup": {
      const group = inputs.modelPackageGroupName as string;
      return { modelPackageGroupArn: `arn:aws:sagemaker:${region}:${accountId}:model-package-group/${group}` };
    }
    case "aws:s3/bucketObjectv2:BucketObjectv2":
      return { versionId: `v-${name}`, etag: `etag-${name}` };
    // The GitHub dispatch of the approval events: AWS appends a generated id to these ARNs.
    case "aws:cloudwatch/eventConnection:EventConnection":
      return { arn: `arn:aws:events:${region}:${accountId}:connection/${inputs.name as string}/0a1b2c3d-0000-0000-0000-000000000000` };
    case "aws:cloudwatch/eventApiDestination:EventApiDestination":
      return { arn: `arn:aws:events:${region}:${accountId}:api-destination/${inputs.name as string}/0a1b2c3d-1111-1111-1111-111111111111` };
    default:
      return {};
  }
}

export interface ProgramRun<T> {
  readonly resources: RecordedResource[];
  readonly result: T;
  /** Every resource of a type, in registration order. */
  ofType(type: string): RecordedResource[];
  /** The one resource of a type (throws if there is not exactly one). */
  one(type: string): RecordedResource;
}

/**
 * Run `program` as stack `stack` of project `ml-pipeline` with `config` (fully qualified keys, raw YAML
 * values), wait until every registration has reached the mock monitor, and return what was recorded.
 */
export async function runUnderMocks<T>(
  stack: string,
  config: Record<string, unknown>,
  program: () => T,
  options: {
    /** Pulumi project (default `ml-pipeline`). */
    readonly project?: string;
    /** Extra state a resource returns (e.g. a StackReference's `outputs`), merged over the computed state. */
    readonly state?: (type: string, name: string, inputs: Record<string, unknown>) => Record<string, unknown> | undefined;
  } = {},
): Promise<ProgramRun<T>> {
  const region = typeof config["aws:region"] === "string" ? (config["aws:region"] as string) : "us-east-1";
  const accountId = typeof config["ml-pipeline:accountId"] === "string" ? (config["ml-pipeline:accountId"] as string) : TEST_ACCOUNT;
  const recorded = new Map<string, Omit<RecordedResource, "inputs"> & { inputs?: Record<string, unknown> }>();
  const inputsByKey = new Map<string, Record<string, unknown>>();

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        inputsByKey.set(`${args.type}::${args.name}`, args.inputs as Record<string, unknown>);
        const state = { ...args.inputs, ...computedState(args.type, args.name, args.inputs, accountId, region), ...(options.state?.(args.type, args.name, args.inputs) ?? {}) };
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        throw new Error(`unmocked invoke ${args.token}: add it to tests/harness/pulumiMocks.ts if the program really needs it`);
      },
    },
    options.project ?? "ml-pipeline",
    stack,
    false,
    // The file backend's organization (what StackReference names start with there).
    "organization",
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorWithRegister;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) =>
    register(req, (err, response) => {
      if (!err && response) {
        recorded.set(response.getUrn(), {
          type: req.getType(),
          name: req.getName(),
          urn: response.getUrn(),
          parentUrn: req.getParent(),
          protect: req.getProtect(),
          retainOnDelete: req.getRetainondelete(),
          dependencies: req.getDependenciesList(),
          provider: req.getProvider(),
          custom: req.getCustom(),
        });
      }
      callback(err, response);
    });

  pulumi.runtime.setAllConfig(
    Object.fromEntries(Object.entries(config).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)])),
  );

  const result = program();
  await (pulumi.runtime as unknown as RuntimeWithRpcWait).waitForRPCs();

  const resources = [...recorded.values()].map((r) => ({ ...r, inputs: inputsByKey.get(`${r.type}::${r.name}`) ?? {} }));
  return {
    resources,
    result,
    ofType: (type) => resources.filter((r) => r.type === type),
    one(type) {
      const found = resources.filter((r) => r.type === type);
      if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
      return found[0]!;
    },
  };
}

/** The `config:` map of a committed `Pulumi.<stack>.yaml`. */
export function stackConfigFile(stack: string): Record<string, unknown> {
  const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
  const document = parseYaml(fs.readFileSync(file, "utf8")) as { config?: Record<string, unknown> };
  return document.config ?? {};
}

/** Resolve an Output's value (under mocks every value is known). */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}
