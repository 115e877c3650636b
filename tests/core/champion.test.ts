import { strict as assert } from "node:assert";
import { championParameters, describeChampion, productionVersion } from "../../automation/core/champion";
import { UsageError } from "../../automation/core/errors";
import type { Stage } from "../../automation/core/lifecycle";
import type { ModelVersionDetail, RegistryClient } from "../../automation/core/registry";

function registry(versions: { version: number; stage: Stage | null; modelDataUrl?: string }[], listError?: Error): RegistryClient {
  const detail = (v: (typeof versions)[number]): ModelVersionDetail => ({
    version: v.version,
    arn: `arn:v/${v.version}`,
    approvalStatus: "Approved",
    createdAt: "2026-01-01T00:00:00Z",
    metrics: {},
    stage: v.stage,
    group: "g",
    metadata: {},
    ...(v.modelDataUrl ? { modelDataUrl: v.modelDataUrl } : {}),
  });
  return {
    list: async () => {
      if (listError) throw listError;
      return versions.map(detail);
    },
    describe: async (version?: number) => detail(versions.find((v) => v.version === version)!),
    setApproval: async () => assert.fail("not used"),
    promote: async () => assert.fail("not used"),
    history: async () => [],
  };
}

describe("champion (the Production version a run compares with)", () => {
  it("is the group's Production version with its model data URL", async () => {
    const champion = await productionVersion(
      registry([
        { version: 3, stage: "Staging", modelDataUrl: "s3://b/m3/model.tar.gz" },
        { version: 2, stage: "Production", modelDataUrl: "s3://b/m2/model.tar.gz" },
        { version: 1, stage: "Archived", modelDataUrl: "s3://b/m1/model.tar.gz" },
      ]),
    );
    assert.deepEqual(champion, { version: 2, modelDataUrl: "s3://b/m2/model.tar.gz" });
    assert.deepEqual(championParameters(champion), { ChampionModelUrl: "s3://b/m2/model.tar.gz", ChampionModelVersion: "2" });
    assert.match(describeChampion(champion), /compared with the Production version 2 \(s3:\/\/b\/m2\/model\.tar\.gz\)/);
  });

  it("is none without a Production version, or before the group exists: the definition's defaults apply", async () => {
    assert.equal(await productionVersion(registry([{ version: 1, stage: null }])), undefined);
    assert.equal(await productionVersion(registry([], new UsageError("model package group g does not exist in us-east-1: deploy first"))), undefined);
    assert.deepEqual(championParameters(undefined), {});
    assert.match(describeChampion(undefined), /no Production version/);
  });

  it("fails on other registry errors and on a Production version without a model", async () => {
    await assert.rejects(productionVersion(registry([], new Error("AccessDenied"))), /AccessDenied/);
    await assert.rejects(productionVersion(registry([{ version: 4, stage: "Production" }])), /version 4 is in Production but records no model data URL/);
  });
});
