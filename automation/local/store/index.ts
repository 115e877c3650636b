/**
 * The local store in its home folder: the SQLite database, the S3-like object folder, execution
 * records (with recovery of runs whose process died) and the model registry.
 */
export { BUSY_TIMEOUT_MS, MIGRATIONS, nowIso, openDatabase, SCHEMA_VERSION, type Db } from "./database";
export { objectKeyProblem, parseS3Uri, PathError, s3Uri, type S3Location } from "./locations";
export { LocalObjects, ObjectKeyError, ObjectNotFoundError, sha256Of, STALE_TEMPORARY_MS, sweepTemporaryFiles, writeDurably } from "./objects";
export { EXECUTION_ARN_PREFIX, executionArn, ExecutionStore, isTerminal, type NewExecution } from "./executions";
export {
  APPROVAL_STATUSES,
  LocalRegistry,
  modelMetricsOf,
  modelPackageArn,
  modelPackageGroupArn,
  type Registration,
  type RegisteredVersion,
} from "./registry";
export { destroyLocal, localHome } from "./home";
export { ServingRecords, type ServedRecord, type ServerRecord } from "./serving";
