/**
 * The AWS SDK prints an 8-line warning on every command under Node < 22. Say it once, in one line, and
 * silence the SDK's copy (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED is the SDK's own switch).
 */
export const SUPPORTED_NODE_MAJOR = 22;

export function nodeSupportNote(nodeVersion: string, env: NodeJS.ProcessEnv, log: (line: string) => void): void {
  if (env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED === "true") return;
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const major = Number(nodeVersion.split(".")[0]);
  if (major < SUPPORTED_NODE_MAJOR) {
    log(`note: Node ${nodeVersion} is past its end of life; ml-pipeline targets Node ${SUPPORTED_NODE_MAJOR} LTS, and AWS SDK releases after January 2027 require it`);
  }
}
