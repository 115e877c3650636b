import { strict as assert } from "node:assert";
import { lintPolicy } from "../../../stack/iam/lint";

describe("policy lint", () => {
  it("finds wildcard actions, unlisted '*' resources, unconditioned PassRole and NotAction", () => {
    const findings = lintPolicy({
      Version: "2012-10-17",
      Statement: [
        { Sid: "A", Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b" },
        { Sid: "B", Effect: "Allow", Action: ["s3:PutObject"], Resource: "*" },
        { Sid: "C", Effect: "Allow", Action: "iam:PassRole", Resource: "arn:aws:iam::1:role/r" },
        { Sid: "D", Effect: "Allow", NotAction: "iam:*", Resource: "arn:aws:s3:::b" },
        { Sid: "E", Effect: "Deny", Action: "*", Resource: "*" },
      ],
    });
    assert.deepEqual(
      findings.map((f) => `${f.sid}:${f.rule}`),
      ["A:wildcard-action", "B:star-resource", "C:passrole-unconditioned", "D:not-action"],
    );
    assert.match(findings[1]!.message, /scope it to ARNs/);
  });
  it("accepts JSON text and rejects what is not a policy", () => {
    assert.deepEqual(lintPolicy(JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" }] })), []);
    assert.equal(lintPolicy("not json")[0]!.rule, "malformed");
  });
});
