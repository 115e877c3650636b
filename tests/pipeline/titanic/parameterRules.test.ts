/**
 * pipeline/titanic/parameterRules.ts: the issue 13 values that passed the old check are refused, the
 * defaults pass, every parameter has a rule, and the hyperparameter bounds are the ones train_model.py
 * itself enforces (asked from training/, so the two can never drift apart).
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { parameterRuleProblems } from "../../../pipeline/parameterRules";
import { declarationsOf, effectiveParameters } from "../../../pipeline/parameters";
import { DRIVER_OWNED_PARAMETERS, PARAMETER_RULES } from "../../../pipeline/titanic/parameterRules";
import { LINEAGE_PARAMETERS, PARAMETER } from "../../../pipeline/titanic/parameters";
import { defaultPython } from "../../../scripts/generate-sagemaker-constraints";
import { REPO_ROOT } from "../../harness/pulumiMocks";
import { titanicDefinition } from "../fixtures";

const declarations = declarationsOf(titanicDefinition());
const problemsOf = (overrides: Record<string, string>) => parameterRuleProblems(effectiveParameters(overrides, declarations), declarations, PARAMETER_RULES).map((p) => p.message);

describe("pipeline/titanic/parameterRules", () => {
  it("the defaults obey every rule", () => {
    assert.deepEqual(problemsOf({}), []);
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ["MaxDepth=1000", { MaxDepth: "1000" }, /^MaxDepth="1000": use an integer from 1 to 20\. Why: train_model\.py's range: .*$/],
    ["MaxDepth=0 (XGBoost's 'no limit')", { MaxDepth: "0" }, /^MaxDepth="0": use an integer from 1 to 20/],
    ["NumRound=20000", { NumRound: "20000" }, /^NumRound="20000": use an integer from 1 to 5000\. Why: /],
    ["Eta=-1", { Eta: "-1" }, /^Eta="-1": use a number above 0, up to 1\. Why: XGBoost's learning rate/],
    ["Eta=0", { Eta: "0" }, /^Eta="0": use a number above 0, up to 1/],
    ["an unknown Objective", { Objective: "multi:softmax" }, /^Objective="multi:softmax": use one of binary:logistic, reg:logistic, binary:logitraw\. Why: /],
    ["AccuracyThreshold=1.5", { AccuracyThreshold: "1.5" }, /^AccuracyThreshold="1\.5": use a number from 0 to 1\. Why: accuracy is the fraction/],
    ["AccuracyThreshold=2", { AccuracyThreshold: "2" }, /^AccuracyThreshold="2": use a number from 0 to 1/],
    ["TrainingInstanceCount=0", { TrainingInstanceCount: "0" }, /^TrainingInstanceCount="0": use an integer from 1 to 20\. Why: a training job needs at least one instance/],
    ["a Graviton training instance", { TrainingInstanceType: "ml.m6g.large" }, /^TrainingInstanceType="ml\.m6g\.large": use a SageMaker x86 instance type/],
    ["a processing instance that is no instance type", { ProcessingInstanceType: "m5.large" }, /^ProcessingInstanceType="m5\.large": use a SageMaker x86 instance type/],
    ["a TrainFile with a folder", { TrainFile: "sub/train.csv" }, /^TrainFile="sub\/train\.csv": use a file name without \/ or \\ /],
    ["a TestFile ..", { TestFile: ".." }, /^TestFile="\.\.": use a file name/],
    ["an empty data hash", { TrainDataSha256: "" }, /^TrainDataSha256="": use the SHA-256 of the staged training split/],
  ];
  for (const [name, overrides, message] of refused) {
    it(`refuses ${name}`, () => {
      const found = problemsOf(overrides);
      assert.equal(found.length, 1, found.join("\n"));
      assert.match(found[0]!, message);
    });
  }

  it("accepts the bounds themselves", () => {
    assert.deepEqual(problemsOf({ MaxDepth: "20", NumRound: "5000", Eta: "1", AccuracyThreshold: "0", TrainingInstanceCount: "20", Objective: "binary:logitraw" }), []);
    assert.deepEqual(problemsOf({ MaxDepth: "1", NumRound: "1", Eta: "0.001", AccuracyThreshold: "1", TrainingInstanceCount: "1", TrainingInstanceType: "ml.c5.xlarge" }), []);
  });

  it("has a rule for every parameter the pipeline declares, and nothing else", () => {
    assert.deepEqual(Object.keys(PARAMETER_RULES).sort(), declarations.map((d) => d.name).sort());
    assert.deepEqual(Object.keys(PARAMETER_RULES).sort(), Object.values(PARAMETER).sort());
  });

  it("marks the lineage parameters, and only those, as driver-owned", () => {
    assert.deepEqual([...DRIVER_OWNED_PARAMETERS].sort(), [...LINEAGE_PARAMETERS].sort());
  });

  it("uses the hyperparameter bounds and objectives train_model.py enforces (training/)", function () {
    this.timeout(60_000);
    // Each rule's bounds and the next value beyond them, parsed by the training code's own option parsers.
    const probes: Record<string, string[]> = {};
    for (const [parameter, option] of [["MaxDepth", "max_depth"], ["NumRound", "num_round"], ["Eta", "eta"]] as const) {
      const rule = PARAMETER_RULES[parameter];
      assert.ok(rule.kind === "integer" || rule.kind === "number");
      const step = rule.kind === "integer" ? 1 : 1e-9;
      const exclusive = rule.kind === "number" && rule.minExclusive === true;
      // The lowest and highest accepted values, then the nearest refused ones below and above.
      probes[option] = [exclusive ? rule.min + step : rule.min, rule.max, exclusive ? rule.min : rule.min - step, rule.max + step].map(String);
    }
    const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(path.join(REPO_ROOT, "training"))})
try:
    from titanic.options import HYPERPARAMETERS, OBJECTIVES
except ImportError:  # the single-module layout before training/titanic/
    from titanic_model import HYPERPARAMETERS, OBJECTIVES
def accepts(option, value):
    try:
        HYPERPARAMETERS[option][0](option, value)
        return True
    except ValueError:
        return False
probes = json.loads(sys.argv[1])
print(json.dumps({"objectives": sorted(OBJECTIVES), "accepts": {o: [accepts(o, v) for v in vs] for o, vs in probes.items()}}))
`;
    const out = JSON.parse(execFileSync(defaultPython(), ["-c", script, JSON.stringify(probes)], { encoding: "utf8" })) as { objectives: string[]; accepts: Record<string, boolean[]> };
    for (const option of Object.keys(probes)) assert.deepEqual(out.accepts[option], [true, true, false, false], `${option}: the bounds accepted, beyond them refused (${probes[option]!.join(", ")})`);
    const objective = PARAMETER_RULES.Objective;
    assert.ok(objective.kind === "oneOf");
    assert.deepEqual([...objective.values].sort(), out.objectives);
  });
});
