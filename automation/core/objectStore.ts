/** Where staged data goes: S3 on AWS, the local object folder for the local target. */

export interface ObjectStore {
  /** A human-readable location of `key`, e.g. `s3://bucket/data/x.csv`. */
  uri(key: string): string;
  /** The content SHA-256 recorded with the object, or undefined when there is no such object (or no hash). */
  contentSha256(key: string): Promise<string | undefined>;
  /** Store `body` at `key`, recording its SHA-256 with it. */
  put(key: string, body: Buffer, sha256: string, contentType: string): Promise<void>;
}
