/**
 * `ObjectStore` over S3: the content SHA-256 travels as object metadata (`content-sha256`), so staging
 * compares with one HeadObject and skips unchanged content; uploads carry `ChecksumSHA256`, so S3 itself
 * rejects a body that does not match the hash we recorded.
 */
import type { ObjectStore } from "../core/objectStore";
import { OperationError } from "../core/errors";
import { credentialsError, describeAwsError, errorName, httpStatusOf, isNotFoundError } from "./awsErrors";
import type { S3Api } from "./s3Api";

export const SHA256_METADATA_KEY = "content-sha256";
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface S3ObjectStoreOptions {
  readonly s3: S3Api;
  readonly bucket: string;
  /** The account that must own the bucket (stack output `accountId`): S3 refuses the call otherwise. */
  readonly expectedBucketOwner?: string;
}

export class S3ObjectStore implements ObjectStore {
  private readonly owner: { ExpectedBucketOwner?: string };

  constructor(private readonly options: S3ObjectStoreOptions) {
    this.owner = options.expectedBucketOwner ? { ExpectedBucketOwner: options.expectedBucketOwner } : {};
  }

  uri(key: string): string {
    return `s3://${this.options.bucket}/${key}`;
  }

  async contentSha256(key: string): Promise<string | undefined> {
    try {
      const head = await this.options.s3.headObject({ Bucket: this.options.bucket, Key: key, ...this.owner });
      const value = head.Metadata?.[SHA256_METADATA_KEY];
      return value && SHA256_HEX.test(value) ? value : undefined;
    } catch (error) {
      if (isNotFoundError(error)) return undefined;
      throw this.failure("read", key, error);
    }
  }

  async put(key: string, body: Buffer, sha256: string, contentType: string): Promise<void> {
    if (!SHA256_HEX.test(sha256)) throw new OperationError(`cannot upload ${this.uri(key)}: "${sha256}" is not a hex SHA-256`);
    try {
      await this.options.s3.putObject({
        Bucket: this.options.bucket,
        Key: key,
        Body: body,
        ContentType: contentType,
        Metadata: { [SHA256_METADATA_KEY]: sha256 },
        ChecksumSHA256: sha256Base64(sha256),
        ...this.owner,
      });
    } catch (error) {
      throw this.failure("upload", key, error);
    }
  }

  private failure(action: "read" | "upload", key: string, error: unknown): Error {
    const credentials = credentialsError(error);
    if (credentials) return credentials;
    const denied = httpStatusOf(error) === 403 || errorName(error) === "AccessDenied";
    const hint = denied
        ? ` (check that the identity may ${action === "read" ? "s3:GetObject/s3:ListBucket" : "s3:PutObject"} on the bucket${this.options.expectedBucketOwner ? ` and that account ${this.options.expectedBucketOwner} owns it` : ""})`
        : "";
    return new OperationError(`cannot ${action} ${this.uri(key)}: ${describeAwsError(error)}${hint}`);
  }
}

/** S3's `ChecksumSHA256` is the base64 of the digest; we keep hex. */
export function sha256Base64(hex: string): string {
  return Buffer.from(hex, "hex").toString("base64");
}
