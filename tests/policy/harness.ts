/**
 * Runs the guardrail policies without the Pulumi CLI: builds the `args` the policy server would pass
 * (same fields, `isType` implemented the way the server does it) from fake resources or from the real
 * program's resources recorded under mocks, and collects the reported violations.
 */
import type {
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { ProgramRun, RecordedResource } from "../harness/pulumiMocks";

export interface FakeResource {
  readonly type: string;
  readonly name: string;
  /** Inputs (what resource validation sees); `outputs` adds what stack validation sees on top. */
  readonly props: Record<string, unknown>;
  readonly outputs?: Record<string, unknown>;
  readonly urn: string;
  readonly protect?: boolean;
  readonly provider?: PolicyProviderResource;
  /** URNs this resource depends on. */
  readonly dependencies?: readonly string[];
  /** Property name -> URNs its value came from. */
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

export interface Violation {
  readonly policy: string;
  readonly message: string;
  readonly urn: string;
}

export type GuardrailPolicy = ResourceValidationPolicy | StackValidationPolicy;

export const urnOf = (stack: string, type: string, name: string, project = "ml-pipeline"): string => `urn:pulumi:${stack}::${project}::${type}::${name}`;

export function fake(stack: string, type: string, name: string, props: Record<string, unknown>, extra: Partial<FakeResource> = {}): FakeResource {
  return { type, name, props, urn: urnOf(stack, type, name), ...extra };
}

class NotApplicable extends Error {}

function options(r: FakeResource): PolicyResourceOptions {
  return {
    protect: r.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
}

/** The server's `isTypeOf`: compare with the class's `__pulumiType`. */
function isTypeOf(type: string, resourceClass: unknown): boolean {
  return (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

export function resourceArgs(r: FakeResource, config: Record<string, unknown> = {}): ResourceValidationArgs {
  const args: ResourceValidationArgs = {
    type: r.type,
    props: r.props,
    urn: r.urn,
    name: r.name,
    opts: options(r),
    stackTags: new Map<string, string>(),
    isType: (resourceClass) => isTypeOf(r.type, resourceClass),
    asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? r.props : undefined)) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  if (r.provider) args.provider = r.provider;
  return args;
}

/** PolicyResources with their dependencies resolved among `resources`. */
export function policyResources(resources: readonly FakeResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const result = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      props: r.outputs ? { ...r.props, ...r.outputs } : r.props,
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: (resourceClass) => isTypeOf(r.type, resourceClass),
      asType: ((resourceClass: unknown) => (isTypeOf(r.type, resourceClass) ? resource.props : undefined)) as PolicyResource["asType"],
    };
    if (r.provider) resource.provider = r.provider;
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = result[i]!;
    resource.dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    for (const [property, urns] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[property] = urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    }
  });
  return result;
}

function validations(policy: GuardrailPolicy): ResourceValidation[] {
  const v = "validateResource" in policy ? policy.validateResource : undefined;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Violations of one policy against one resource (resource validation only). */
export async function checkResource(policy: GuardrailPolicy, r: FakeResource, config: Record<string, unknown> = {}): Promise<string[]> {
  const messages: string[] = [];
  for (const validate of validations(policy)) {
    try {
      await validate(resourceArgs(r, config), (message) => messages.push(message));
    } catch (error) {
      if (!(error instanceof NotApplicable)) throw error;
    }
  }
  return messages;
}

/** Violations of one policy's stack validation. */
export async function checkStack(policy: GuardrailPolicy, resources: readonly FakeResource[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  if (!("validateStack" in policy) || typeof policy.validateStack !== "function") return [];
  const violations: Violation[] = [];
  const args: StackValidationArgs = {
    resources: policyResources(resources),
    stackTags: new Map<string, string>(),
    getConfig: <T extends object>() => config as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
  };
  await policy.validateStack(args, (message, urn) => violations.push({ policy: policy.name, message, urn: urn ?? "" }));
  return violations;
}

/** Every violation of every policy (resource validation of each resource, then stack validation). */
export async function runPack(policies: readonly GuardrailPolicy[], resources: readonly FakeResource[], config: Record<string, unknown> = {}): Promise<Violation[]> {
  const violations: Violation[] = [];
  for (const policy of policies) {
    for (const r of resources) {
      for (const message of await checkResource(policy, r, config)) violations.push({ policy: policy.name, message, urn: r.urn });
    }
    violations.push(...(await checkStack(policy, resources, config)));
  }
  return violations;
}

/** Outputs a real provider would add (the same values the mocks harness computes). */
function outputsOf(r: RecordedResource, run: ProgramRun<unknown>): Record<string, unknown> {
  const accountId = accountOf(run);
  switch (r.type) {
    case "aws:s3/bucket:Bucket": {
      const bucket = r.inputs.bucket as string;
      return { bucket, id: bucket, arn: `arn:aws:s3:::${bucket}` };
    }
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${accountId}:role/${r.inputs.name as string}` };
    default:
      return {};
  }
}

function accountOf(run: ProgramRun<unknown>): string {
  const aws = run.resources.find((r) => r.type === "pulumi:providers:aws");
  const ids = aws ? (JSON.parse(aws.inputs.allowedAccountIds as string) as string[]) : [];
  return ids[0] ?? "111111111111";
}

/** The real program's resources as the policy server would see them (providers resolved from references). */
export function fromProgram(run: ProgramRun<unknown>): FakeResource[] {
  const byUrn = new Map(run.resources.map((r) => [r.urn, r]));
  return run.resources.map((r) => {
    const providerUrn = r.provider ? r.provider.slice(0, r.provider.lastIndexOf("::")) : "";
    const provider = byUrn.get(providerUrn);
    return {
      type: r.type,
      name: r.name,
      props: structuredClone(r.inputs),
      outputs: outputsOf(r, run),
      urn: r.urn,
      protect: r.protect,
      dependencies: [...r.dependencies],
      ...(provider ? { provider: { type: provider.type, name: provider.name, urn: provider.urn, props: structuredClone(provider.inputs) } } : {}),
    };
  });
}
