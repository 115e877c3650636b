/** predict's input: CSV and JSON files, one --record, the errors that name the file, line and field, and batching. */
import { strict as assert } from "node:assert";
import { UsageError } from "../../automation/core/errors";
import { predictRequestFromFile, predictRequestFromRecord } from "../../automation/serving/predictInput";

const refused = (fn: () => unknown, pattern: RegExp) => assert.throws(fn, (error: Error) => error instanceof UsageError && pattern.test(error.message), `expected ${pattern}`);
const csv = 'Pclass,Sex,Age,Name\n3,male,22,"Braund, Mr. Owen"\r\n1,female,38,"Cumings, Mrs. John"\n';

describe("serving: predict input", () => {
  it("a CSV file is sent as text/csv with its header, line endings normalised, one row per record", () => {
    const request = predictRequestFromFile(Buffer.from(csv), "people.csv");
    assert.deepEqual(request, { contentType: "text/csv", body: csv.replace("\r\n", "\n"), rows: 2 });
  });

  it("a JSON file holds {instances: [...]} or an array of records; both are sent as {instances}", () => {
    const records = [{ Pclass: 3, Sex: "male" }, { Pclass: 1, Sex: "female", Age: null }];
    for (const text of [JSON.stringify({ instances: records }), JSON.stringify(records)]) {
      const request = predictRequestFromFile(Buffer.from(text), "data/in.JSON");
      assert.equal(request.contentType, "application/json");
      assert.equal(request.rows, 2);
      assert.deepEqual(JSON.parse(request.body), { instances: records });
    }
  });

  it("--record is one JSON object", () => {
    const request = predictRequestFromRecord('{"Pclass": 2, "Sex": "female"}');
    assert.deepEqual({ ...request, body: JSON.parse(request.body) }, { contentType: "application/json", body: { instances: [{ Pclass: 2, Sex: "female" }] }, rows: 1 });
    refused(() => predictRequestFromRecord('[{"Pclass": 2}]'), /--record takes one record.*--data/);
    refused(() => predictRequestFromRecord('"male"'), /--record is a string, not a record/);
    refused(() => predictRequestFromRecord("{Pclass: 2}"), /--record is not valid JSON/);
  });

  it("JSON errors name the file, the line and the record", () => {
    // Where the parser says it (Node 20 quotes the text around the error; Node 22 names line and column).
    refused(() => predictRequestFromFile(Buffer.from('{\n  "instances": [\n    {"Pclass": 3},\n  ]\n}'), "bad.json"), /bad\.json is not valid JSON.*(\]|line 4)/s);
    refused(() => predictRequestFromFile(Buffer.from('{"instances": [{"Pclass": 3}, 7]}'), "x.json"), /x\.json: instances\[1\] is a number, not a record/);
    refused(() => predictRequestFromFile(Buffer.from('{"records": []}'), "x.json"), /x\.json: expected \{"instances"/);
    refused(() => predictRequestFromFile(Buffer.from('{"instances": []}'), "x.json"), /x\.json: instances holds no records/);
    refused(() => predictRequestFromFile(Buffer.from("[]"), "x.json"), /x\.json: the array holds no records/);
  });

  it("CSV errors name the file and the line: a short row, no header, a repeated or empty column, no rows", () => {
    refused(() => predictRequestFromFile(Buffer.from("Pclass,Sex\n3,male\n1\n"), "p.csv"), /p\.csv is not a valid CSV file: .*line 3.*as many fields as the header/);
    refused(() => predictRequestFromFile(Buffer.from("3,male,22\n1,female,38\n"), "p.csv"), /p\.csv, line 1: "3" is a value, not a column name/);
    refused(() => predictRequestFromFile(Buffer.from("Pclass,Sex,Pclass\n3,male,3\n"), "p.csv"), /line 1: the header names column "Pclass" twice/);
    refused(() => predictRequestFromFile(Buffer.from("Pclass,,Sex\n3,x,male\n"), "p.csv"), /line 1: column 2 of the header has no name/);
    refused(() => predictRequestFromFile(Buffer.from("Pclass,Sex\n"), "p.csv"), /p\.csv has no data rows/);
    refused(() => predictRequestFromFile(Buffer.from(""), "p.csv"), /p\.csv is empty/);
  });

  it("a file that is neither .csv nor .json is refused with both forms named", () => {
    refused(() => predictRequestFromFile(Buffer.from("x"), "people.txt"), /--data people\.txt: give a \.csv file .* or a \.json file/);
  });
});
