/** Typed parameter values of one execution: defaults, then `--param` overrides. */
import { strict as assert } from "node:assert";
import { UsageError } from "../../../automation/core/errors";
import { resolveParameters, type Json } from "../../../automation/local/expressions";

describe("local: parameter values", () => {
  const declared: Json = [
    { Name: "Depth", Type: "Integer", DefaultValue: 4 },
    { Name: "Eta", Type: "Float", DefaultValue: 0.3 },
    { Name: "On", Type: "Boolean", DefaultValue: false },
    { Name: "Mode", Type: "String", DefaultValue: "a", EnumValues: ["a", "b"] },
  ];

  it("defaults, then overrides, typed", () => {
    assert.deepEqual([...resolveParameters(declared, { Eta: "0.5", On: "TRUE" })], [["Depth", 4], ["Eta", 0.5], ["On", true], ["Mode", "a"]]);
  });

  it("an unknown, ill-typed, out-of-enum or missing value is a usage error", () => {
    assert.throws(() => resolveParameters(declared, { Nope: "1" }), (e: unknown) => e instanceof UsageError && /unknown parameter Nope/.test(e.message));
    assert.throws(() => resolveParameters(declared, { Depth: "4.5" }), /Depth="4\.5" is not an integer/);
    assert.throws(() => resolveParameters(declared, { Eta: "fast" }), /Eta="fast" is not a number/);
    assert.throws(() => resolveParameters(declared, { On: "yes" }), /On="yes" is not true or false/);
    assert.throws(() => resolveParameters(declared, { Mode: "c" }), /Mode="c" is not one of a, b/);
    assert.throws(() => resolveParameters([{ Name: "Need", Type: "String" }], {}), /parameter Need has no default: pass --param Need=<value>/);
  });
});
