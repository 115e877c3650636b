/** Python semantics of hyperparameter values: json.loads with fallback, str(), repr(float), json.dumps. */
import { strict as assert } from "node:assert";
import { decodeHyperparameterValue, pythonFloatRepr, pythonJsonDumps, pythonJsonLoads, pythonStr } from "../../../automation/local/container";

describe("local: Python values of hyperparameters", () => {
  it("str(json.loads(v)) for each kind of value, as the container passes it to the script", () => {
    const cases: [string, string][] = [
      ["4", "4"],
      ["-0", "0"],
      ["123456789012345678901234567890", "123456789012345678901234567890"],
      ["0.3", "0.3"],
      ["1.0", "1.0"],
      ["1e3", "1000.0"],
      ["0.0001", "0.0001"],
      ["0.00001", "1e-05"],
      ["1e16", "1e+16"],
      ["123456789012345.6", "123456789012345.6"],
      ["-2.5E-7", "-2.5e-07"],
      ["true", "True"],
      ["null", "None"],
      ['"text"', "text"],
      ["NaN", "nan"],
      ["-Infinity", "-inf"],
      [" 7 ", "7"],
      ['[1, 2.0, "a", null, true]', "[1, 2.0, 'a', None, True]"],
      ['{"b": 1, "a": "x"}', "{'b': 1, 'a': 'x'}"],
      ["binary:logistic", "binary:logistic"],
      ["Pclass,Title", "Pclass,Title"],
      ["007", "007"],
      ["1.", "1."],
      ["", ""],
      ['"unterminated', '"unterminated'],
      ["[1,]", "[1,]"],
    ];
    for (const [raw, expected] of cases) assert.equal(pythonStr(decodeHyperparameterValue(raw)), expected, `str(json.loads(${JSON.stringify(raw)}))`);
  });

  it("json.loads refuses what Python refuses (the raw string is then used)", () => {
    for (const bad of ["'single'", "True", "{a: 1}", '"tab\there"', "1 2", "+1", ".5", "0x10"]) assert.equal(pythonJsonLoads(bad), undefined, bad);
  });

  it("repr(float) matches Python at the notation boundaries", () => {
    assert.equal(pythonFloatRepr(0.1 + 0.2), "0.30000000000000004");
    assert.equal(pythonFloatRepr(1e15), "1000000000000000.0");
    assert.equal(pythonFloatRepr(1.5e16), "1.5e+16");
    assert.equal(pythonFloatRepr(1e-4), "0.0001");
    assert.equal(pythonFloatRepr(1.25e-5), "1.25e-05");
    assert.equal(pythonFloatRepr(-0), "-0.0");
    assert.equal(pythonFloatRepr(1e100), "1e+100");
  });

  it("json.dumps(sort_keys, compact, ensure_ascii) for SM_* variables", () => {
    assert.equal(pythonJsonDumps(decodeHyperparameterValue('{"b": [1.0, 2], "a": "é"}')), '{"a":"\\u00e9","b":[1.0,2]}');
    assert.equal(pythonJsonDumps(decodeHyperparameterValue("NaN")), "NaN");
  });
});
