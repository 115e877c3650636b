/** The S3 calls the driver makes, behind a small interface; `s3Api(client)` is the real one. */
import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type HeadObjectCommandInput,
  type HeadObjectCommandOutput,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  type S3Client,
} from "@aws-sdk/client-s3";

export interface GetTextInput {
  readonly Bucket: string;
  readonly Key: string;
  readonly ExpectedBucketOwner?: string;
}

export interface S3Api {
  headObject(input: HeadObjectCommandInput): Promise<HeadObjectCommandOutput>;
  putObject(input: PutObjectCommandInput): Promise<PutObjectCommandOutput>;
  /** GetObject, the body read as UTF-8 text. */
  getText(input: GetTextInput): Promise<string>;
  /** Whether the bucket holds any object version or delete marker (one ListObjectVersions call). */
  holdsObjects(bucket: string, expectedBucketOwner?: string): Promise<boolean>;
}

export function s3Api(client: S3Client): S3Api {
  return {
    headObject: (input) => client.send(new HeadObjectCommand(input)),
    putObject: (input) => client.send(new PutObjectCommand(input)),
    getText: async (input) => {
      const output = await client.send(new GetObjectCommand({ ...input }));
      if (!output.Body) return "";
      return output.Body.transformToString("utf-8");
    },
    holdsObjects: async (bucket, expectedBucketOwner) => {
      const output = await client.send(
        new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1, ...(expectedBucketOwner ? { ExpectedBucketOwner: expectedBucketOwner } : {}) }),
      );
      return (output.Versions?.length ?? 0) + (output.DeleteMarkers?.length ?? 0) > 0;
    },
  };
}
