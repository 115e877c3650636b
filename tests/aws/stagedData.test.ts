/** run --pipeline's data: the hashes of the newest execution that ran with staged data. */
import { strict as assert } from "node:assert";
import { OperationError } from "../../automation/core/errors";
import { EXECUTIONS_SEARCHED, latestStagedData } from "../../automation/aws/stagedData";
import { awsError, FakeClock, FakeSageMaker } from "./fakes";

const A = "a".repeat(64);
const B = "b".repeat(64);
const execution = (id: number, parameters: Record<string, string>) => ({ arn: `arn:aws:sagemaker:eu-west-1:111111111111:pipeline/p/execution/e${id}`, parameters });

describe("latest staged data (run --pipeline)", () => {
  it("takes the newest execution that ran with both hashes, skipping ones started without them (console, old driver)", async () => {
    const sagemaker = new FakeSageMaker({
      clock: new FakeClock(),
      pageSize: 2,
      executions: [
        execution(5, { TrainDataSha256: "unknown", TestDataSha256: "unknown" }),
        execution(4, { MaxDepth: "5" }),
        execution(3, { TrainDataSha256: A, TestDataSha256: "unknown" }),
        execution(2, { TrainDataSha256: A, TestDataSha256: B, MaxDepth: "4" }),
        execution(1, { TrainDataSha256: B, TestDataSha256: A }),
      ],
    });
    const found = await latestStagedData(sagemaker, "p");
    assert.deepEqual(found, { executionArn: execution(2, {}).arn, parameters: { TrainDataSha256: A, TestDataSha256: B } });
    assert.deepEqual(sagemaker.inputs<{ SortBy: string; SortOrder: string; PipelineName: string }>("listPipelineExecutions")[0], { PipelineName: "p", SortBy: "CreationTime", SortOrder: "Descending", MaxResults: 50 });
    assert.equal(sagemaker.count("listPipelineParametersForExecution"), 4, "stops at the first match");
    assert.equal(sagemaker.count("listPipelineExecutions"), 2, "pages");
  });

  it("finds nothing when no recent execution staged data, looking at a bounded number of executions", async () => {
    const many = Array.from({ length: EXECUTIONS_SEARCHED + 10 }, (_, i) => execution(100 - i, {}));
    const sagemaker = new FakeSageMaker({ clock: new FakeClock(), executions: [...many, execution(1, { TrainDataSha256: A, TestDataSha256: B })] });
    assert.equal(await latestStagedData(sagemaker, "p"), undefined);
    assert.equal(sagemaker.count("listPipelineParametersForExecution"), EXECUTIONS_SEARCHED);
    assert.equal(await latestStagedData(new FakeSageMaker({ clock: new FakeClock() }), "p"), undefined, "no execution at all");
  });

  it("reports an AWS failure with the pipeline's name", async () => {
    const sagemaker = new FakeSageMaker({ clock: new FakeClock(), executions: [execution(1, {})] });
    sagemaker.errors.listPipelineExecutions = [awsError("AccessDeniedException", 400, "not authorized to perform: sagemaker:ListPipelineExecutions")];
    await assert.rejects(latestStagedData(sagemaker, "p"), (e: unknown) => e instanceof OperationError && /cannot find the data of the latest executions of pipeline p: .*ListPipelineExecutions/.test(e.message));
  });
});
