/**
 * The HTTP side of SageMaker's container contract as pure decisions (docs/architecture.md §8):
 * which route a request takes, the 6 MB body limit, and the JSON error body. No I/O here.
 */

import { payloadLimitBytes } from "../batching";

/** The local server's body limit, a real-time endpoint's (6 MB, serving/batching.ts); a bigger body is refused with 413. */
export const MAX_BODY_BYTES = payloadLimitBytes("local");

export type Route =
  | { readonly kind: "ping" }
  | { readonly kind: "invocations" }
  | { readonly kind: "refused"; readonly status: 404 | 405; readonly message: string; readonly allow?: string };

const ROUTES: Readonly<Record<string, { readonly kind: "ping" | "invocations"; readonly methods: readonly string[] }>> = {
  "/ping": { kind: "ping", methods: ["GET", "HEAD"] },
  "/invocations": { kind: "invocations", methods: ["POST"] },
};

/** The route of `method url` (the query string is ignored, as the container does). */
export function routeOf(method: string, url: string): Route {
  const pathname = url.split("?")[0]!;
  const route = ROUTES[pathname];
  if (!route) return { kind: "refused", status: 404, message: `no such path ${JSON.stringify(pathname)}; use GET /ping or POST /invocations` };
  if (!route.methods.includes(method)) {
    const allow = route.methods.join(", ");
    return { kind: "refused", status: 405, message: `${pathname} does not accept ${method}; use ${allow}`, allow };
  }
  return { kind: route.kind };
}

export type LengthVerdict = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 413; readonly message: string };

/** Checks a Content-Length header before any byte of the body is read (absent: checked while streaming). */
export function checkContentLength(header: string | undefined, max: number = MAX_BODY_BYTES): LengthVerdict {
  if (header === undefined) return { ok: true };
  if (!/^\d+$/.test(header.trim())) return { ok: false, status: 400, message: `Content-Length ${JSON.stringify(header)} is not a number of bytes` };
  const length = Number(header.trim());
  return length > max ? tooLarge(max) : { ok: true };
}

export function tooLarge(max: number = MAX_BODY_BYTES): { readonly ok: false; readonly status: 413; readonly message: string } {
  return { ok: false, status: 413, message: `request body is over ${max / (1024 * 1024)} MB (${max} bytes), the payload limit of SageMaker endpoints; send fewer rows per request` };
}

/** Collects a body's chunks up to `max` bytes; past it, stops keeping any. */
export class BodyCollector {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  private over = false;

  constructor(private readonly max: number = MAX_BODY_BYTES) {}

  /** false once the body is over the limit (the chunk is dropped, as are all before it). */
  add(chunk: Buffer): boolean {
    if (this.over) return false;
    this.size += chunk.length;
    if (this.size > this.max) {
      this.over = true;
      this.chunks.length = 0;
      return false;
    }
    this.chunks.push(chunk);
    return true;
  }

  body(): Buffer {
    return this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
  }
}

/** `{"error": "..."}`, the body of every error this server answers. */
export function errorBody(message: string): Buffer {
  return Buffer.from(JSON.stringify({ error: message }), "utf8");
}
