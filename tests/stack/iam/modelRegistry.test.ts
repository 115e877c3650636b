import { strict as assert } from "node:assert";
import { asList } from "../../../stack/iam/document";
import { modelRegistryPolicy } from "../../../stack/iam/modelRegistry";

const scope = { partition: "aws" as const, region: "eu-west-1", accountId: "123456789012" };

describe("model registry policy", () => {
  it("is absent without reader accounts", () => {
    assert.equal(modelRegistryPolicy({ ...scope, groupName: "g", readerAccountIds: [] }), undefined);
  });
  it("lets reader accounts list and describe the group's versions, sorted for a stable diff", () => {
    const policy = modelRegistryPolicy({ ...scope, groupName: "g", readerAccountIds: ["222222222222", "111111111111"] })!;
    const [statement] = policy.Statement;
    assert.deepEqual(statement!.Principal, { AWS: ["arn:aws:iam::111111111111:root", "arn:aws:iam::222222222222:root"] });
    assert.ok(asList(statement!.Action).every((a) => /^sagemaker:(Describe|List)/.test(a)), "read-only actions");
    assert.deepEqual(asList(statement!.Resource), [
      "arn:aws:sagemaker:eu-west-1:123456789012:model-package-group/g",
      "arn:aws:sagemaker:eu-west-1:123456789012:model-package/g/*",
    ]);
  });
});
