/** The step graph validation and the local target share: steps by name, dependencies, structural problems, cycles. */
import { strict as assert } from "node:assert";
import { findCycle, ownBody, stepGraph, type StepGraphProblem } from "../../pipeline/graph";
import { titanicDefinition } from "./fixtures";

type Step = Record<string, unknown>;

const condition = (name: string, ifSteps: unknown, elseSteps: unknown = [], extra: Step = {}): Step => ({
  Name: name,
  Type: "Condition",
  Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: ifSteps, ElseSteps: elseSteps },
  ...extra,
});

function graphOf(steps: unknown): { names: string[]; dependencies: Record<string, string[]>; problems: StepGraphProblem[]; seen: string[] } {
  const problems: StepGraphProblem[] = [];
  const seen: string[] = [];
  const graph = stepGraph<Step>({ Steps: steps }, { step: (s) => seen.push(s.name), problem: (p) => problems.push(p) });
  const dependencies = Object.fromEntries([...graph.dependencies].map(([name, edges]) => [name, [...edges].sort()]));
  return { names: [...graph.steps.keys()], dependencies, problems, seen };
}

describe("pipeline: step graph", () => {
  it("the Titanic definition: branch steps follow their condition and wait for it, data references are edges", () => {
    const graph = stepGraph(titanicDefinition());
    assert.deepEqual([...graph.steps.keys()], ["TrainModel", "EvaluateModel", "CheckAccuracy", "RegisterModel", "AccuracyBelowThreshold"]);
    assert.equal(graph.steps.get("RegisterModel")!.branchOf, "CheckAccuracy");
    assert.equal(graph.steps.get("TrainModel")!.branchOf, undefined);
    assert.deepEqual([...graph.dependencies.get("EvaluateModel")!], ["TrainModel"]);
    assert.deepEqual([...graph.dependencies.get("CheckAccuracy")!], ["EvaluateModel"], "a property file read (Std:JsonGet) is an edge");
    assert.ok(graph.dependencies.get("RegisterModel")!.has("CheckAccuracy"));
    assert.equal(findCycle(graph.dependencies), undefined);
  });

  it("edges: DependsOn (a self-dependency included, for the cycle check), Get references to other steps, the owning condition", () => {
    const { dependencies } = graphOf([
      { Name: "A", Type: "Processing", DependsOn: ["A", "Ghost"], Arguments: { Self: { Get: "Steps.A.ProcessingJobName" } } },
      { Name: "B", Type: "Training", Arguments: { In: { Get: "Steps.A.ProcessingOutputConfig.Outputs['x'].S3Output.S3Uri" }, P: { Get: "Parameters.P" } } },
      condition("C", [{ Name: "D", Type: "Fail", Arguments: { ErrorMessage: { Get: "Steps.B.TrainingJobName" } } }]),
    ]);
    assert.deepEqual(dependencies, { A: ["A"], B: ["A"], C: [], D: ["B", "C"] });
  });

  it("a condition's own references leave out its branch steps' references", () => {
    const gate = condition("C", [{ Name: "D", Type: "Fail", Arguments: { ErrorMessage: { Get: "Steps.X.Y" } } }]);
    assert.deepEqual((ownBody(gate).Arguments as Step).IfSteps, []);
    assert.deepEqual((gate.Arguments as Step).IfSteps, [{ Name: "D", Type: "Fail", Arguments: { ErrorMessage: { Get: "Steps.X.Y" } } }], "the step itself is not changed");
  });

  it("reports structural problems in document order; a repeated name keeps its first step", () => {
    const first = { Name: "A", Type: "Fail", Arguments: {} };
    const { names, problems, seen } = graphOf([
      first,
      "not a step",
      condition("C", [{ ...first, Type: "Training" }, condition("Inner", [{ Name: "X", Type: "Fail" }])], "not a list"),
    ]);
    assert.deepEqual(names, ["A", "C", "Inner"]);
    assert.deepEqual(seen, ["A", "C", "A", "Inner"], "the listener sees every step, repeated names too");
    assert.deepEqual(problems, [
      { kind: "notAStep", where: "Steps[1]", value: "not a step" },
      { kind: "duplicateName", name: "A" },
      { kind: "nestedCondition", condition: "Inner", branchOf: "C" },
      { kind: "branchNotAList", condition: "C", branch: "ElseSteps" },
    ]);
    assert.deepEqual(graphOf(undefined).problems, [{ kind: "noSteps" }]);
  });

  it("finds a cycle as a path that ends where it starts", () => {
    const { dependencies } = graphOf([
      { Name: "A", Type: "Fail", DependsOn: ["B"] },
      { Name: "B", Type: "Fail", DependsOn: ["A"] },
    ]);
    assert.deepEqual(findCycle(new Map(Object.entries(dependencies).map(([k, v]) => [k, new Set(v)]))), ["A", "B", "A"]);
  });
});
