/**
 * pipeline/aws/requestConstraints.ts and the checked-in sagemakerConstraints.json: AWS's patterns read
 * as JavaScript, field paths found in the file, and the file being exactly what the generator makes
 * from botocore's service model (scripts/generate-sagemaker-constraints.ts).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import { awsPattern, constraintPath, fieldConstraint, patternCharacterClass, SAGEMAKER_CONSTRAINTS } from "../../../pipeline/aws/requestConstraints";
import { CONSTRAINTS_FILE, defaultPython, generateConstraints, usedFields, definitions } from "../../../scripts/generate-sagemaker-constraints";

describe("pipeline/aws/requestConstraints", () => {
  it("reads AWS patterns as whole-value, Unicode JavaScript patterns (with the model's quirks)", () => {
    const metadata = awsPattern("([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}");
    assert.ok(metadata.test("s3://bucket/data/titanic_train.csv"));
    assert.ok(metadata.test("Überfahrt 1912"), "letters of any script");
    assert.ok(!metadata.test("titanic train (v2).csv"));
    const uri = awsPattern("(https|s3)://([^/]+)/?(.*)");
    assert.ok(uri.test("s3://bucket/key"));
    assert.ok(!uri.test("see s3://bucket/key"), "the whole value must match, not a part of it");
    assert.ok(!awsPattern(".*").test("two\nlines"), "Java's . does not match a line break either");
  });

  it("every pattern in the file compiles", () => {
    for (const nodes of Object.values(SAGEMAKER_CONSTRAINTS.operations)) {
      for (const node of Object.values(nodes)) for (const c of [node, node.key]) if (c?.pattern) assert.doesNotThrow(() => awsPattern(c.pattern!), c.pattern);
    }
  });

  it("finds the allowed characters of a one-class pattern, and none for others", () => {
    assert.equal(patternCharacterClass("([\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@]*)${1,256}")?.source, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]");
    assert.equal(patternCharacterClass("[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]*")?.source, "[\\p{L}\\p{M}\\p{Z}\\p{S}\\p{N}\\p{P}]");
    assert.equal(patternCharacterClass("(https|s3)://([^/]+)/?(.*)"), undefined);
  });

  it("maps concrete fields to the file's paths: list indices to [], map keys to .*", () => {
    assert.equal(constraintPath("CreateProcessingJob", ["AppSpecification", "ContainerArguments", 3]), "AppSpecification.ContainerArguments[]");
    assert.equal(constraintPath("CreateModelPackage", ["CustomerMetadataProperties", "train-data"]), "CustomerMetadataProperties.*");
    assert.equal(constraintPath("CreateTrainingJob", ["NotAField"]), undefined);
    assert.deepEqual(fieldConstraint("CreateProcessingJob", ["AppSpecification", "ContainerArguments", 0]), { shape: "ContainerArgument", type: "string", min: 0, max: 256, pattern: ".*" });
    assert.equal(fieldConstraint("CreateModelPackage", ["CustomerMetadataProperties", "x"])?.min, 1);
    assert.equal(fieldConstraint("CreateModelPackage", ["ModelPackageDescription"])?.max, 1024);
    assert.equal(fieldConstraint("CreateTrainingJob", ["HyperParameters", "max_depth"])?.max, 2500);
    assert.equal(fieldConstraint("StartPipelineExecution", ["PipelineParameters", 0, "Value"])?.max, 1024);
  });

  it("covers every field the definitions use (local and every stack), and nothing else", function () {
    this.timeout(120_000);
    const used = usedFields(definitions());
    for (const [operation, fields] of Object.entries(used)) {
      for (const segments of fields) assert.ok(constraintPath(operation as "CreateTrainingJob", segments) !== undefined, `${operation} ${segments.join(".")}`);
    }
    assert.deepEqual(Object.keys(SAGEMAKER_CONSTRAINTS.operations).sort(), Object.keys(used).sort());
  });

  it("is exactly what scripts/generate-sagemaker-constraints.ts makes from botocore's model (regenerate it when this fails)", function () {
    this.timeout(120_000);
    const python = defaultPython();
    assert.ok(fs.existsSync(python), `no Python with botocore at ${python}: run npm test (it sets ML_PIPELINE_TEST_PYTHON) or scripts/setup-python.ts --dev`);
    const expected = generateConstraints(python);
    const actual = fs.readFileSync(CONSTRAINTS_FILE, "utf8");
    assert.ok(
      actual === expected,
      "pipeline/aws/sagemakerConstraints.json is not what the generator makes from this checkout's definitions and botocore: regenerate it with\n" +
        "  node -r ts-node/register/transpile-only scripts/generate-sagemaker-constraints.ts\nand review the diff",
    );
  });
});
