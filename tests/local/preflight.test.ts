/** The preflight: everything the local target cannot run is refused before anything runs, naming the step and the field. */
import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { UnsupportedDefinitionError } from "../../automation/local";
import type { JsonObject } from "../../automation/local/expressions";
import { definition, openStore, targetFor, type Store } from "./helpers";
import { evaluateStep, stageMini, trainStep, MINI_PARAMETERS } from "./miniPipeline";

describe("local preflight: what it refuses before running", function () {
  let store: Store;
  beforeEach(() => {
    store = openStore();
    stageMini(store);
  });
  afterEach(() => store.close());

  // prepareLocal runs the preflight before it builds the target (targetFor does the same): nothing is recorded.
  const refuses = async (def: JsonObject, message: RegExp): Promise<void> => {
    assert.throws(() => targetFor(store, def), (error: unknown) => {
      assert.ok(error instanceof UnsupportedDefinitionError, String(error));
      assert.ok(error instanceof UsageError, "exit code 2: nothing was changed");
      assert.match(error.message, message);
      return true;
    });
    assert.equal((store.db.prepare("SELECT COUNT(*) AS n FROM executions").get() as { n: number }).n, 0, "no execution was recorded");
  };

  it("an unknown step type, naming the step", () =>
    refuses(definition([trainStep(), { Name: "Score", Type: "Transform", Arguments: {} }], MINI_PARAMETERS), /step Score: the local target cannot run a Transform step \(it runs Training, Processing, Condition, RegisterModel, Fail steps\)/));

  it("an unknown expression function", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { "Std:Select": { Values: ["a"] } } } }]), /step F\.Arguments\.ErrorMessage: the local target does not know the function "Std:Select"/));

  it("a malformed expression (an extra key)", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { Get: "Parameters.X", Extra: 1 } } }], [{ Name: "X", Type: "String", DefaultValue: "x" }]), /an expression is a one-key object/));

  it("a Get outside Parameters/Execution/Steps", () =>
    refuses(definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: { Get: "PipelineExperimentConfig.ExperimentName" } } }]), /Get PipelineExperimentConfig\.ExperimentName: the local target resolves Parameters\., Execution\. and Steps\. references only/));

  it("an undeclared parameter, an unknown execution variable, a missing step", async () => {
    const fail = (message: JsonObject) => definition([{ Name: "F", Type: "Fail", Arguments: { ErrorMessage: message } }]);
    await refuses(fail({ Get: "Parameters.Nope" }), /the pipeline declares no parameter "Nope"/);
    await refuses(fail({ Get: "Execution.Tomorrow" }), /"Tomorrow" is not an execution variable/);
    await refuses(fail({ Get: "Execution.TrainingJobName" }), /only has a value inside a Training step/);
    await refuses(fail({ Get: "Steps.Ghost.Outcome" }), /there is no step "Ghost"/);
  });

  it("a JsonGet of a property file the step does not declare, or with an invalid path", async () => {
    const read = (file: string, p: string) => definition([evaluateStep(), { Name: "F", Type: "Fail", Arguments: { ErrorMessage: { "Std:Join": { On: "", Values: [{ "Std:JsonGet": { PropertyFile: { Get: `Steps.Evaluate.PropertyFiles.${file}` }, Path: p } }] } } } }]);
    await refuses(read("Other", "a.b"), /property file "Other", which step Evaluate does not declare/);
    await refuses(read("Report", "a..b"), /Std:JsonGet: "a\.\.b" is not a valid path/);
  });

  it("an unknown condition type, also inside Not and Or", async () => {
    const gate = (condition: JsonObject) => definition([{ Name: "G", Type: "Condition", Arguments: { Conditions: [condition], IfSteps: [], ElseSteps: [] } }]);
    await refuses(gate({ Type: "NotEquals", LeftValue: 1, RightValue: 2 }), /step G: Arguments\.Conditions\[0\]: the local target does not know the condition type "NotEquals"/);
    await refuses(gate({ Type: "Not", Condition: { Type: "Between" } }), /Conditions\[0\]\.Condition: the local target does not know the condition type "Between"/);
    await refuses(gate({ Type: "Or", Conditions: [] }), /an Or condition needs a non-empty Conditions list/);
  });

  it("training features it cannot honour: Pipe mode, built-in algorithms, non-S3 channels", async () => {
    const train = trainStep();
    const args = train.Arguments as JsonObject;
    await refuses(definition([{ ...train, Arguments: { ...args, AlgorithmSpecification: { TrainingImage: "i", TrainingInputMode: "Pipe" } } }], MINI_PARAMETERS), /step Train: the local target cannot run TrainingInputMode Pipe/);
    const { sagemaker_program: _p, ...builtIn } = args.HyperParameters as JsonObject;
    await refuses(definition([{ ...train, Arguments: { ...args, HyperParameters: builtIn } }], MINI_PARAMETERS), /built-in algorithm mode/);
    await refuses(
      definition([{ ...train, Arguments: { ...args, InputDataConfig: [{ ChannelName: "train", DataSource: { FileSystemDataSource: {} } }] } }], MINI_PARAMETERS),
      /channel train: only S3DataSource inputs \(found FileSystemDataSource\)/,
    );
  });

  it("processing and registration features it cannot honour", async () => {
    const step = evaluateStep();
    const args = step.Arguments as JsonObject;
    await refuses(definition([trainStep(), { ...step, Arguments: { ...args, AppSpecification: { ImageUri: "i" } } }], MINI_PARAMETERS), /ContainerEntrypoint is missing/);
    await refuses(definition([trainStep(), { ...step, Arguments: { ...args, ProcessingInputs: [{ InputName: "q", DatasetDefinition: {} }] } }], MINI_PARAMETERS), /input q: DatasetDefinition/);
    await refuses(definition([{ Name: "R", Type: "RegisterModel", Arguments: { ModelPackageName: "x" } }]), /unversioned model packages/);
  });

  it("a nested condition and a dependency cycle", async () => {
    const inner = { Name: "Inner", Type: "Condition", Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [{ Name: "X", Type: "Fail", Arguments: {} }], ElseSteps: [] } };
    await refuses(definition([{ Name: "Outer", Type: "Condition", Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [inner], ElseSteps: [] } }]), /step Inner: a Condition step inside the branch of Outer/);
    const a = { Name: "A", Type: "Condition", DependsOn: ["B"], Arguments: { Conditions: [{ Type: "Equals", LeftValue: 1, RightValue: 1 }], IfSteps: [], ElseSteps: [] } };
    const b = { ...a, Name: "B", DependsOn: ["A"] };
    await refuses(definition([a, b]), /dependency cycle: A -> B -> A/);
  });
});
