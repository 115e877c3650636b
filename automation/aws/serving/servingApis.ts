/**
 * The AWS calls serving makes (DescribeModelPackage, DescribeEndpoint, S3 GetObject, InvokeEndpoint),
 * behind a small interface so deploy and predict are tested with fakes; `servingApis(clients)` is the
 * real one over the target's clients.
 */
import { DescribeEndpointCommand, DescribeModelPackageCommand, type DescribeModelPackageOutput } from "@aws-sdk/client-sagemaker";
import { GetObjectCommand } from "@aws-sdk/client-s3";
import type { AwsClients } from "../clients";
import type { EndpointState } from "./endpointWaiter";

export interface InvokeInput {
  readonly endpointName: string;
  readonly contentType: "application/json" | "text/csv";
  readonly body: string;
}

export interface ServingApis {
  describeModelPackage(arn: string): Promise<DescribeModelPackageOutput>;
  /** DescribeEndpoint's status and failure reason. */
  describeEndpoint(endpointName: string, signal?: AbortSignal): Promise<EndpointState>;
  /** An S3 object's bytes. */
  getObject(bucket: string, key: string): Promise<Uint8Array>;
  /** InvokeEndpoint asking for JSON (`Accept: application/json`): the response body as text. */
  invokeEndpoint(input: InvokeInput, signal?: AbortSignal): Promise<string>;
}

export interface ServingApisOptions {
  /** The account that must own the buckets read (the environment's). */
  readonly expectedBucketOwner?: string;
}

export function servingApis(clients: AwsClients, options: ServingApisOptions = {}): ServingApis {
  return {
    describeModelPackage: (arn) => clients.sagemaker.send(new DescribeModelPackageCommand({ ModelPackageName: arn })),
    describeEndpoint: async (endpointName, signal) => {
      const output = await clients.sagemaker.send(new DescribeEndpointCommand({ EndpointName: endpointName }), signal ? { abortSignal: signal } : {});
      return { status: output.EndpointStatus ?? "Unknown", ...(output.FailureReason ? { failureReason: output.FailureReason } : {}) };
    },
    getObject: async (bucket, key) => {
      const output = await clients.s3.send(
        new GetObjectCommand({ Bucket: bucket, Key: key, ...(options.expectedBucketOwner ? { ExpectedBucketOwner: options.expectedBucketOwner } : {}) }),
      );
      return output.Body ? output.Body.transformToByteArray() : new Uint8Array();
    },
    invokeEndpoint: async (input, signal) => {
      const { InvokeEndpointCommand } = require("@aws-sdk/client-sagemaker-runtime") as typeof import("@aws-sdk/client-sagemaker-runtime");
      const output = await clients
        .runtime()
        .send(
          new InvokeEndpointCommand({ EndpointName: input.endpointName, ContentType: input.contentType, Accept: "application/json", Body: Buffer.from(input.body, "utf-8") }),
          signal ? { abortSignal: signal } : {},
        );
      return output.Body ? Buffer.from(output.Body).toString("utf-8") : "";
    },
  };
}
