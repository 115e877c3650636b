/** `registerChild.ts <home> <count> <model file>`: registers <count> versions of group "race", for the concurrency test. */
import { LocalRegistry, openDatabase } from "../../automation/local/store";

async function main(): Promise<void> {
  const [home, count, modelFile] = process.argv.slice(2);
  const db = openDatabase(home!);
  const registry = new LocalRegistry(db, home!);
  const versions: number[] = [];
  for (let i = 0; i < Number(count); i++) {
    const registered = await registry.register({
      group: "race",
      approvalStatus: "PendingManualApproval",
      modelDataUrl: "s3://local/model.tar.gz",
      modelFile: modelFile!,
      metrics: { accuracy: 0.5 },
      customerMetadata: { pid: String(process.pid) },
      request: {},
      executionId: `child-${process.pid}`,
    });
    versions.push(registered.version);
  }
  db.close();
  process.stdout.write(`${JSON.stringify(versions)}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
