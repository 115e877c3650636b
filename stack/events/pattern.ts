/**
 * The approval event as plain data: which SageMaker events mean "a version of this environment's group
 * was approved" (the EventBridge rule's pattern), and how one becomes a GitHub `repository_dispatch`.
 *
 * SageMaker sends "SageMaker Model Package State Change" on every change of a version (registration,
 * approval, rejection, description...), each with the whole version in `detail` (`ModelPackageGroupName`,
 * `ModelPackageVersion` (a number), `ModelPackageArn`, `ModelApprovalStatus`, ...). AWS's own MLOps
 * template matches on the group only, so a rejection or a new pending version fires its deploy too; this
 * pattern matches approvals only.
 */

export const APPROVAL_EVENT_SOURCE = "aws.sagemaker";
export const APPROVAL_EVENT_DETAIL_TYPE = "SageMaker Model Package State Change";
export const APPROVED = "Approved";
/** The `event_type` of the repository_dispatch (what `.github/workflows/deploy.yml` listens for). */
export const DISPATCH_EVENT_TYPE = "model-approved";

/** The rule's event pattern, in a fixed key order (the JSON below is compared byte for byte). */
export interface ApprovalEventPattern {
  readonly source: readonly [typeof APPROVAL_EVENT_SOURCE];
  readonly "detail-type": readonly [typeof APPROVAL_EVENT_DETAIL_TYPE];
  readonly detail: {
    readonly ModelPackageGroupName: readonly [string];
    readonly ModelApprovalStatus: readonly [typeof APPROVED];
  };
}

export function approvalEventPattern(modelPackageGroupName: string): ApprovalEventPattern {
  return {
    source: [APPROVAL_EVENT_SOURCE],
    "detail-type": [APPROVAL_EVENT_DETAIL_TYPE],
    detail: { ModelPackageGroupName: [modelPackageGroupName], ModelApprovalStatus: [APPROVED] },
  };
}

/** The pattern as the rule's `eventPattern` JSON text (no whitespace, keys in the order above). */
export function approvalEventPatternJson(modelPackageGroupName: string): string {
  return JSON.stringify(approvalEventPattern(modelPackageGroupName));
}

/** `owner/repo`, as GitHub allows them (owner: letters, digits, hyphens; repository: also `.` and `_`). */
export const GITHUB_REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** POST here creates a repository_dispatch event (GitHub REST API, "Create a repository dispatch event"). */
export function githubDispatchEndpoint(repository: string): string {
  if (!GITHUB_REPOSITORY.test(repository)) throw new Error(`not a GitHub owner/repository: ${JSON.stringify(repository)}`);
  return `https://api.github.com/repos/${repository}/dispatches`;
}

/** Headers GitHub asks API clients to send (the Authorization header comes from the connection). */
export const GITHUB_API_HEADERS: Readonly<Record<string, string>> = {
  Accept: "application/vnd.github+json",
  "X-GitHub-Api-Version": "2022-11-28",
};

/** The connection's API-key header: `Authorization: Bearer <token>`. */
export const GITHUB_AUTH_HEADER = "Authorization";
export const bearer = (token: string): string => `Bearer ${token}`;

/** An EventBridge input transformer: JSON paths into the event, and the template they fill. */
export interface InputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/**
 * The body of the repository_dispatch request: `{"event_type":"model-approved","client_payload":
 * {"modelPackageArn":…,"version":…,"env":"<env>"}}`. The placeholders are unquoted, so EventBridge
 * inserts each value as JSON: the ARN as a string, the version as a number. `env` is fixed per stack
 * (checked by the config as a lowercase name, so it needs no escaping).
 */
export function dispatchInputTransformer(env: string): InputTransformer {
  if (!/^[a-z][a-z0-9-]*$/.test(env)) throw new Error(`not an environment name: ${JSON.stringify(env)}`);
  return {
    inputPaths: { arn: "$.detail.ModelPackageArn", version: "$.detail.ModelPackageVersion" },
    inputTemplate: `{"event_type":"${DISPATCH_EVENT_TYPE}","client_payload":{"modelPackageArn":<arn>,"version":<version>,"env":"${env}"}}`,
  };
}
