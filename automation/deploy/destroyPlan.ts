/**
 * What `destroy` would do, read from the stack's STATE (`pulumi stack export`), not from
 * Pulumi.<env>.yaml: the YAML says what the next `up` would make, the state says what is deployed.
 * Pulumi checks `protect` only when it reaches a resource, after deleting everything that depends on it
 * (30 of dev's 34 resources before stopping at a protected model registry), so a destroy that would stop
 * there must be refused before it starts.
 */
import { UsageError } from "../core/errors";
import { resourceLabel } from "./engineEvents";

export interface StateResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** A cloud resource (false: a component or the stack). */
  readonly custom: boolean;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly id?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
}

export interface StateBucket {
  readonly urn: string;
  readonly name: string;
  /** As deployed: true lets the provider delete every object and version with the bucket. */
  readonly forceDestroy: boolean;
  /** Objects of this bucket in the state that destroy keeps (retainOnDelete), so the bucket is not empty. */
  readonly retainedObjects: number;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

export interface StateModelPackageGroup {
  readonly urn: string;
  readonly name: string;
  readonly arn?: string;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
}

export interface DestroyPlan {
  /** Every resource in the state (the stack resource included). */
  readonly resources: readonly StateResource[];
  /** Cloud resources destroy would delete (not retained, providers excluded). */
  readonly deletes: readonly StateResource[];
  /** Pulumi refuses to delete these: a destroy would stop at them, after deleting what it reached first. */
  readonly protected: readonly StateResource[];
  /** Removed from the stack but left in AWS. */
  readonly retained: readonly StateResource[];
  readonly buckets: readonly StateBucket[];
  readonly modelPackageGroups: readonly StateModelPackageGroup[];
}

const BUCKET_TYPES = new Set(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
const OBJECT_TYPES = new Set(["aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"]);
const GROUP_TYPES = new Set(["aws-native:sagemaker:ModelPackageGroup", "aws:sagemaker/modelPackageGroup:ModelPackageGroup"]);

/** The plan of a destroy from an exported deployment (`Stack.exportStack()`, `pulumi stack export`). */
export function planDestroy(exported: unknown): DestroyPlan {
  const resources = stateResources(exported);
  const isProvider = (r: StateResource) => r.type.startsWith("pulumi:providers:");
  const retained = resources.filter((r) => r.retainOnDelete);
  const buckets = resources
    .filter((r) => BUCKET_TYPES.has(r.type))
    .map((r): StateBucket => {
      const name = text(r.inputs.bucket) ?? text(r.outputs.bucket) ?? r.id ?? r.name;
      return {
        urn: r.urn,
        name,
        forceDestroy: r.inputs.forceDestroy === true || r.inputs.forceDestroy === "true",
        retainedObjects: retained.filter((o) => OBJECT_TYPES.has(o.type) && text(o.inputs.bucket) === name).length,
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
      };
    });
  const modelPackageGroups = resources
    .filter((r) => GROUP_TYPES.has(r.type))
    .map((r): StateModelPackageGroup => {
      const arn = text(r.outputs.modelPackageGroupArn) ?? text(r.outputs.arn);
      return {
        urn: r.urn,
        name: text(r.inputs.modelPackageGroupName) ?? text(r.inputs.name) ?? r.name,
        ...(arn ? { arn } : {}),
        protect: r.protect,
        retainOnDelete: r.retainOnDelete,
      };
    });
  return {
    resources,
    deletes: resources.filter((r) => r.custom && !r.retainOnDelete && !isProvider(r)),
    protected: resources.filter((r) => r.protect),
    retained,
    buckets,
    modelPackageGroups,
  };
}

/** A destroy that would stop part-way: refused before anything is deleted (exit 2). */
export class DestroyBlockedError extends UsageError {
  constructor(
    readonly env: string,
    readonly blockers: readonly StateResource[],
  ) {
    super(
      `destroy of "${env}" refused before deleting anything: its state protects ${blockers.map(describe).join(", ")}. ` +
        `Pulumi would delete the other resources first and then stop there, leaving the environment half gone. ` +
        `To destroy it, unprotect through an update first: set ml-pipeline:registry.protect: false in Pulumi.${env}.yaml and run \`npm run automate -- up --env ${env}\` ` +
        `(for a resource the config does not control: \`pulumi state unprotect --stack ${env} '<urn>'\`), then destroy again`,
    );
    this.name = "DestroyBlockedError";
  }
}

/** Throws DestroyBlockedError when the state holds a protected resource; returns the plan otherwise. */
export function assertDestroyable(plan: DestroyPlan, env: string): DestroyPlan {
  if (plan.protected.length > 0) throw new DestroyBlockedError(env, plan.protected);
  return plan;
}

/**
 * Buckets whose deletion fails if they still hold objects: forceDestroy is off in the STATE (the YAML may
 * say otherwise until the next `up`) and destroy deletes them. Check these with S3 before destroying.
 */
export function bucketsThatMustBeEmpty(plan: DestroyPlan): StateBucket[] {
  return plan.buckets.filter((b) => !b.forceDestroy && !b.retainOnDelete);
}

/** `model-registry (aws-native:sagemaker:ModelPackageGroup, arn:aws:sagemaker:...)`. */
function describe(r: StateResource): string {
  const label = resourceLabel(r.urn);
  if (!r.id || r.id === r.name) return label;
  return label.endsWith(")") ? `${label.slice(0, -1)}, ${r.id})` : `${label} (${r.id})`;
}

function stateResources(exported: unknown): StateResource[] {
  const deployment = record(record(exported)?.deployment);
  const list = deployment?.resources;
  if (!Array.isArray(list)) return [];
  return list.flatMap((item): StateResource[] => {
    const r = record(item);
    const urn = text(r?.urn);
    const type = text(r?.type);
    if (!r || !urn || !type) return [];
    const id = text(r.id);
    return [
      {
        urn,
        type,
        name: urn.slice(urn.lastIndexOf("::") + 2),
        custom: r.custom === true,
        protect: r.protect === true,
        retainOnDelete: r.retainOnDelete === true,
        ...(id ? { id } : {}),
        inputs: record(r.inputs) ?? {},
        outputs: record(r.outputs) ?? {},
      },
    ];
  });
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}
