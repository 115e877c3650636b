/** Environment variables for one test, restored afterwards. */
import * as os from "node:os";
import * as path from "node:path";

/** Run `body` with some environment variables set (undefined = unset), restoring them afterwards. */
export async function withEnv<T>(vars: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

/** No region, no profile, no shared config or credentials files, no endpoint overrides. */
export function noAwsConfig(): Record<string, string | undefined> {
  const nowhere = path.join(os.tmpdir(), `ml-pipeline-no-aws-${process.pid}-${Date.now()}`);
  return {
    AWS_REGION: undefined,
    AWS_DEFAULT_REGION: undefined,
    AWS_PROFILE: undefined,
    AWS_ACCESS_KEY_ID: undefined,
    AWS_SECRET_ACCESS_KEY: undefined,
    AWS_SESSION_TOKEN: undefined,
    AWS_ENDPOINT_URL: undefined,
    AWS_ENDPOINT_URL_SAGEMAKER: undefined,
    AWS_ENDPOINT_URL_S3: undefined,
    AWS_ENDPOINT_URL_STS: undefined,
    AWS_CONFIG_FILE: `${nowhere}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${nowhere}/credentials`,
  };
}
