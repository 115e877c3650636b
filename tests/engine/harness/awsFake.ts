/**
 * A local AWS endpoint for the engine suite (bound to 127.0.0.1): every CLI subprocess points
 * AWS_ENDPOINT_URL at it. It answers STS GetCallerIdentity itself, with the account named by the
 * caller's access key (`AKIA<12 digits>`: dev, staging and prod deploy to different accounts), answers
 * SageMaker ListPipelineExecutionSteps (moto 5.2.5 has none), forwards every other call to moto when one
 * is attached, and records every call (service and operation) so a test can say what the driver did,
 * e.g. that a refused destroy deleted no model version.
 */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export interface AwsCall {
  readonly service: "sts" | "sagemaker" | "s3" | "other";
  readonly operation: string;
  /** The account of the caller's access key. */
  readonly account: string;
  /** The caller's access key id (each test lane has its own). */
  readonly accessKeyId: string;
  /** JSON body of a SageMaker call (parsed), else undefined. */
  readonly input?: Readonly<Record<string, unknown>>;
}

export interface AwsFake {
  readonly endpoint: string;
  readonly calls: readonly AwsCall[];
  /** Calls made with this access key id (each lane has its own, see credentialsFor). */
  callsBy(accessKeyId: string): AwsCall[];
  /** ListObjectVersions of this bucket answers one object version, without asking moto. */
  holdObject(bucket: string, key: string): void;
  /** Forward what the fake does not answer itself to this endpoint (a moto server). */
  attach(upstream: string): void;
  /** The steps ListPipelineExecutionSteps answers for any execution. */
  setSteps(steps: readonly Readonly<Record<string, unknown>>[]): void;
  close(): Promise<void>;
}

/**
 * Credentials whose calls the fake attributes to `account`, tagged with `lane` (upper-case letters) so
 * that two lanes deploying to the same account can tell their calls apart.
 */
export function credentialsFor(account: string, lane: string): { AWS_ACCESS_KEY_ID: string; AWS_SECRET_ACCESS_KEY: string } {
  if (!/^\d{12}$/.test(account)) throw new Error(`not an AWS account id: ${account}`);
  if (!/^[A-Z]+$/.test(lane)) throw new Error(`a lane tag is upper-case letters: ${lane}`);
  return { AWS_ACCESS_KEY_ID: `AKIA${account}${lane}`, AWS_SECRET_ACCESS_KEY: "engine-suite-secret" };
}

const ACCESS_KEY = /Credential=(AKIA(\d{12})[A-Z]*)\//;

export async function startAwsFake(): Promise<AwsFake> {
  const calls: AwsCall[] = [];
  let upstream: string | undefined;
  let steps: readonly Readonly<Record<string, unknown>>[] = [];
  const held = new Map<string, string>();

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (c: Buffer) => chunks.push(c));
    request.on("end", () => {
      const body = Buffer.concat(chunks);
      const key = ACCESS_KEY.exec(request.headers.authorization ?? "");
      const call = classify(request, body, key?.[2] ?? "000000000000", key?.[1] ?? "");
      calls.push(call);
      if (call.service === "sts" && call.operation === "GetCallerIdentity") return answerIdentity(response, call.account);
      if (call.service === "sagemaker" && call.operation === "ListPipelineExecutionSteps") {
        return answerJson(response, 200, { PipelineExecutionSteps: steps });
      }
      const heldKey = call.service === "s3" ? heldObject(request, held) : undefined;
      if (heldKey !== undefined) return answerObjectVersion(response, heldKey);
      if (!upstream) {
        return answerJson(response, 501, { __type: "NotImplemented", message: `the engine suite's AWS fake has no moto attached for ${call.service}:${call.operation}` });
      }
      forward(upstream, request, body, response);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    callsBy: (accessKeyId) => calls.filter((c) => c.accessKeyId === accessKeyId),
    holdObject: (bucket, key) => {
      held.set(bucket, key);
    },
    attach: (url) => {
      upstream = url;
    },
    setSteps: (s) => {
      steps = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function classify(request: http.IncomingMessage, body: Buffer, account: string, accessKeyId: string): AwsCall {
  const target = request.headers["x-amz-target"];
  if (typeof target === "string" && target.startsWith("SageMaker.")) {
    let input: Record<string, unknown> | undefined;
    try {
      input = JSON.parse(body.toString("utf-8")) as Record<string, unknown>;
    } catch {
      input = undefined;
    }
    return { service: "sagemaker", operation: target.slice("SageMaker.".length), account, accessKeyId, ...(input ? { input } : {}) };
  }
  const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(request.headers.authorization ?? "")?.[1];
  if (scope === "sts") {
    const action = new URLSearchParams(body.toString("utf-8")).get("Action") ?? "?";
    return { service: "sts", operation: action, account, accessKeyId };
  }
  if (scope === "s3") {
    const url = new URL(request.url ?? "/", "http://localhost");
    const query = [...url.searchParams.keys()].filter((k) => !k.startsWith("x-")).join(",");
    return { service: "s3", operation: `${request.method ?? "GET"} ${url.pathname}${query ? `?${query}` : ""}`, account, accessKeyId };
  }
  return { service: "other", operation: `${request.method ?? "?"} ${request.url ?? ""}`, account, accessKeyId };
}

function answerIdentity(response: http.ServerResponse, account: string): void {
  const xml = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::${account}:user/engine-suite</Arn>
    <UserId>AIDAENGINESUITE${account}</UserId>
    <Account>${account}</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`;
  response.writeHead(200, { "content-type": "text/xml", "content-length": Buffer.byteLength(xml) });
  response.end(xml);
}

/** The held object's key when this is ListObjectVersions (`GET /<bucket>?versions`) of a held bucket. */
function heldObject(request: http.IncomingMessage, held: ReadonlyMap<string, string>): string | undefined {
  const url = new URL(request.url ?? "/", "http://localhost");
  if (request.method !== "GET" || !url.searchParams.has("versions")) return undefined;
  return held.get(url.pathname.split("/")[1] ?? "");
}

function answerObjectVersion(response: http.ServerResponse, key: string): void {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ListVersionsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <IsTruncated>false</IsTruncated>
  <Version><Key>${key}</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest><LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>"e"</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Version>
</ListVersionsResult>`;
  response.writeHead(200, { "content-type": "application/xml", "content-length": Buffer.byteLength(xml) });
  response.end(xml);
}

function answerJson(response: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  response.writeHead(status, { "content-type": "application/x-amz-json-1.1", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

function forward(upstream: string, request: http.IncomingMessage, body: Buffer, response: http.ServerResponse): void {
  const target = new URL(request.url ?? "/", upstream);
  const outgoing = http.request(
    target,
    { method: request.method, headers: { ...request.headers, host: target.host, "content-length": String(body.length) } },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  outgoing.on("error", (error) => answerJson(response, 502, { __type: "UpstreamError", message: error.message }));
  outgoing.end(body);
}
