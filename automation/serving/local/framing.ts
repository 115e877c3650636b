/**
 * The frames between the server and a model worker (worker.py beside this file), big-endian:
 *   request  u32 id, u16 content-type length, u16 accept length, u32 body length; content type, accept, body
 *   reply    u32 id, u16 status, u16 content-type length, u32 body length; content type, body
 * Reply 0 is the worker's "model loaded" (200) or why it could not load it. Pure: no I/O here.
 */

export const HEADER_BYTES = 12;

/** One request for a worker. */
export interface WorkerRequest {
  readonly contentType: string;
  readonly accept: string;
  readonly body: Buffer;
}

/** One reply of a worker. */
export interface WorkerReply {
  readonly id: number;
  readonly status: number;
  readonly contentType: string;
  readonly body: Buffer;
}

/** Header values are latin-1 (HTTP's own); longer than a u16 is cut, which no real media type is. */
function headerBytes(value: string): Buffer {
  const bytes = Buffer.from(value, "latin1");
  return bytes.length > 0xffff ? bytes.subarray(0, 0xffff) : bytes;
}

export function encodeRequest(id: number, request: WorkerRequest): Buffer {
  const contentType = headerBytes(request.contentType);
  const accept = headerBytes(request.accept);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(id, 0);
  header.writeUInt16BE(contentType.length, 4);
  header.writeUInt16BE(accept.length, 6);
  header.writeUInt32BE(request.body.length, 8);
  return Buffer.concat([header, contentType, accept, request.body]);
}

/** The worker's side of the format, for tests (worker.py writes replies so). */
export function encodeReply(reply: WorkerReply): Buffer {
  const contentType = headerBytes(reply.contentType);
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt32BE(reply.id, 0);
  header.writeUInt16BE(reply.status, 4);
  header.writeUInt16BE(contentType.length, 6);
  header.writeUInt32BE(reply.body.length, 8);
  return Buffer.concat([header, contentType, reply.body]);
}

/** Cuts a worker's stdout, which arrives in chunks of any size, into replies. */
export class ReplyDecoder {
  private pending: Buffer = Buffer.alloc(0);

  /** The replies completed by this chunk, in order. */
  push(chunk: Buffer): WorkerReply[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const replies: WorkerReply[] = [];
    while (this.pending.length >= HEADER_BYTES) {
      const typeLength = this.pending.readUInt16BE(6);
      const bodyLength = this.pending.readUInt32BE(8);
      const end = HEADER_BYTES + typeLength + bodyLength;
      if (this.pending.length < end) break;
      replies.push({
        id: this.pending.readUInt32BE(0),
        status: this.pending.readUInt16BE(4),
        contentType: this.pending.toString("latin1", HEADER_BYTES, HEADER_BYTES + typeLength),
        body: Buffer.from(this.pending.subarray(HEADER_BYTES + typeLength, end)),
      });
      this.pending = this.pending.subarray(end);
    }
    return replies;
  }

  /** Bytes of a reply not complete yet (a worker that ends with some wrote half a frame). */
  get buffered(): number {
    return this.pending.length;
  }
}
