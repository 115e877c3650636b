import { strict as assert } from "node:assert";
import { channelKeysForHost, distributionType } from "../../../automation/local/container";

const parts = (n: number) => Array.from({ length: n }, (_, i) => `data/x/t.csv.parts/part-${String(i).padStart(5, "0")}.csv`);

describe("channel shards (ShardedByS3Key on the local target)", () => {
  it("one host gets every key, in key order, whatever the distribution", () => {
    const keys = parts(20).reverse();
    assert.deepEqual(channelKeysForHost(keys, "ShardedByS3Key", 0, 1), parts(20));
    assert.deepEqual(channelKeysForHost(keys, "FullyReplicated", 0, 1), parts(20));
  });

  it("N hosts: host i gets positions i, i+N, …; the shards are disjoint, cover every key and differ by at most one key", () => {
    const keys = parts(20);
    for (const hosts of [2, 3, 7, 20]) {
      const shards = Array.from({ length: hosts }, (_, i) => channelKeysForHost(keys, "ShardedByS3Key", i, hosts));
      assert.deepEqual(shards.flat().sort(), keys, `${hosts} hosts cover every key once`);
      const sizes = shards.map((s) => s.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `${hosts} hosts: sizes ${sizes.join(",")}`);
    }
    assert.deepEqual(channelKeysForHost(keys, "ShardedByS3Key", 1, 3), [keys[1], keys[4], keys[7], keys[10], keys[13], keys[16], keys[19]]);
  });

  it("FullyReplicated gives every host every key; more hosts than keys leaves a host with none", () => {
    assert.deepEqual(channelKeysForHost(parts(3), "FullyReplicated", 2, 4), parts(3));
    assert.deepEqual(channelKeysForHost(parts(3), "ShardedByS3Key", 3, 4), []);
  });

  it("refuses a host outside the job and an unknown distribution", () => {
    assert.throws(() => channelKeysForHost(parts(2), "ShardedByS3Key", 2, 2), /hostIndex must be in 0\.\.1/);
    assert.throws(() => channelKeysForHost(parts(2), "ShardedByS3Key", 0, 0), /hostCount must be a positive integer/);
    assert.equal(distributionType(undefined, "x"), "FullyReplicated");
    assert.equal(distributionType("ShardedByS3Key", "x"), "ShardedByS3Key");
    assert.throws(() => distributionType("Sharded", "channel train"), /channel train: S3DataDistributionType must be FullyReplicated or ShardedByS3Key, not "Sharded"/);
  });
});
