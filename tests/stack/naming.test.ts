import { strict as assert } from "node:assert";
import fc from "fast-check";
import { REGIONS } from "../../pipeline/aws/regions";
import {
  bucketNameProblems,
  ENV_MAX_LENGTH,
  iamRoleNameProblems,
  modelPackageGroupNameProblems,
  NamingError,
  pipelineNameProblems,
  PREFIX_MAX_LENGTH,
  resourceNames,
} from "../../stack/naming";

const segment = (maxLength: number) =>
  fc
    .tuple(
      fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
      fc.array(fc.tuple(fc.boolean(), fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789")), { maxLength: Math.floor((maxLength - 1) / 2) }),
    )
    .map(([head, rest]) => head + rest.map(([hyphen, c]) => (hyphen ? `-${c}` : c)).join(""))
    .filter((s) => s.length <= maxLength);

const validInput = fc.record({
  prefix: segment(PREFIX_MAX_LENGTH),
  env: segment(ENV_MAX_LENGTH),
  accountId: fc.stringMatching(/^\d{12}$/),
  region: fc.constantFrom(...Object.keys(REGIONS)),
});

describe("naming", () => {
  it("names the dev stack's resources", () => {
    assert.deepEqual(resourceNames({ prefix: "ml-pipeline", env: "dev", accountId: "111111111111", region: "us-east-1" }), {
      bucket: "ml-pipeline-dev-111111111111-us-east-1",
      executionRole: "ml-pipeline-dev-sagemaker-execution",
      pipeline: "ml-pipeline-dev-titanic-training",
      modelPackageGroup: "ml-pipeline-dev-titanic-xgboost",
    });
  });

  it("every valid prefix, env, account and region gives names that satisfy AWS's rules", () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const names = resourceNames(input);
        assert.deepEqual(bucketNameProblems(names.bucket), []);
        assert.deepEqual(iamRoleNameProblems(names.executionRole), []);
        assert.deepEqual(pipelineNameProblems(names.pipeline), []);
        assert.deepEqual(modelPackageGroupNameProblems(names.modelPackageGroup), []);
        assert.ok(names.bucket.length <= 63);
      }),
      { numRuns: 500 },
    );
  });

  it("different environments never share a physical name", () => {
    fc.assert(
      fc.property(validInput, segment(ENV_MAX_LENGTH), (input, otherEnv) => {
        fc.pre(otherEnv !== input.env);
        const a = resourceNames(input);
        const b = resourceNames({ ...input, env: otherEnv });
        for (const key of Object.keys(a) as (keyof typeof a)[]) assert.notEqual(a[key], b[key]);
      }),
    );
  });

  it("any other input is a NamingError, never an invalid name", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 30 }), fc.string({ maxLength: 16 }), fc.string({ maxLength: 14 }), (prefix, env, accountId) => {
        try {
          const names = resourceNames({ prefix, env, accountId, region: "us-east-1" });
          assert.deepEqual(bucketNameProblems(names.bucket), []);
          assert.deepEqual(pipelineNameProblems(names.pipeline), []);
        } catch (error) {
          assert.ok(error instanceof NamingError, String(error));
          assert.ok(error.problems.length > 0);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("explains each broken rule", () => {
    assert.throws(() => resourceNames({ prefix: "My_Prefix", env: "dev", accountId: "111111111111", region: "us-east-1" }), /prefix "My_Prefix" must be lowercase/);
    assert.throws(() => resourceNames({ prefix: "mlp", env: "d".repeat(13), accountId: "111111111111", region: "us-east-1" }), /at most 12/);
    assert.throws(() => resourceNames({ prefix: "mlp", env: "dev", accountId: "1111", region: "us-east-1" }), /accountId "1111" must be 12 digits/);
  });

  describe("AWS rule checks", () => {
    it("bucket names", () => {
      assert.deepEqual(bucketNameProblems("my-bucket-1"), []);
      assert.match(bucketNameProblems("ab").join(), /3 to 63/);
      assert.match(bucketNameProblems("a".repeat(64)).join(), /3 to 63/);
      assert.match(bucketNameProblems("My-Bucket").join(), /lowercase/);
      assert.match(bucketNameProblems("my.bucket").join(), /lowercase letters, digits and hyphens/);
      assert.match(bucketNameProblems("-bucket").join(), /start and end/);
      assert.match(bucketNameProblems("xn--bucket").join(), /xn--/);
      assert.match(bucketNameProblems("bucket-s3alias").join(), /-s3alias/);
      assert.match(bucketNameProblems("bucket--x-s3").join(), /--x-s3/);
    });
    it("SageMaker pipeline and group names", () => {
      assert.deepEqual(pipelineNameProblems("a-b--c"), []);
      assert.match(pipelineNameProblems("a_b").join(), /no underscores/);
      assert.match(pipelineNameProblems("-a").join(), /no underscores/);
      assert.match(modelPackageGroupNameProblems("g".repeat(64)).join(), /1 to 63/);
    });
    it("IAM role names", () => {
      assert.deepEqual(iamRoleNameProblems("role+=,.@_-1"), []);
      assert.match(iamRoleNameProblems("r".repeat(65)).join(), /1 to 64/);
      assert.match(iamRoleNameProblems("role/x").join(), /may only contain/);
    });
  });
});
