/**
 * Which objects of a training channel's S3 prefix a host receives (docs/pipeline.md#scaling-out):
 * `FullyReplicated` gives every host every object; `ShardedByS3Key` gives each of N hosts about 1/N of
 * them. SageMaker documents only "approximately 1/n of the number of S3 objects", so the local target
 * fixes one deterministic assignment: the keys sorted, host i of N (0-based, hosts in order) gets the
 * keys at positions i, i + N, i + 2N, …. One host gets every key either way.
 */

/** CreateTrainingJob's S3DataDistributionType values. */
export type S3DistributionType = "FullyReplicated" | "ShardedByS3Key";

/** The distribution of a channel, `FullyReplicated` when the definition gives none (SageMaker's default). */
export function distributionType(value: unknown, where: string): S3DistributionType {
  if (value === undefined || value === null) return "FullyReplicated";
  if (value === "FullyReplicated" || value === "ShardedByS3Key") return value;
  throw new Error(`${where}: S3DataDistributionType must be FullyReplicated or ShardedByS3Key, not ${JSON.stringify(value)}`);
}

/**
 * The keys host `hostIndex` of `hostCount` receives, in key order.
 * @param keys every object key under the channel's prefix (any order)
 * @param hostIndex the host's position in the sorted host list (algo-1 is 0)
 * @param hostCount how many hosts the job has (ResourceConfig.InstanceCount)
 */
export function channelKeysForHost(keys: readonly string[], distribution: S3DistributionType, hostIndex: number, hostCount: number): string[] {
  if (!Number.isInteger(hostCount) || hostCount < 1) throw new RangeError(`hostCount must be a positive integer, not ${hostCount}`);
  if (!Number.isInteger(hostIndex) || hostIndex < 0 || hostIndex >= hostCount) throw new RangeError(`hostIndex must be in 0..${hostCount - 1}, not ${hostIndex}`);
  // Code-unit order, as S3 lists keys (UTF-8 byte order equals it for the ASCII keys staging writes).
  const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (distribution === "FullyReplicated") return sorted;
  return sorted.filter((_, position) => position % hostCount === hostIndex);
}
