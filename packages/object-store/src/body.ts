/**
 * Turning any accepted body into one Node stream, and counting its bytes on the way so a store
 * can stop an oversize upload before it is stored.
 */
import { createHash, type Hash } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { ReadableStream } from 'node:stream/web';
import { PlatformError } from '@homelab-ai/contracts';
import type { ObjectBody } from './port.js';

/** The body's size when it is known before reading (bytes or text). */
export function knownSize(body: ObjectBody): number | undefined {
  if (typeof body === 'string') return Buffer.byteLength(body, 'utf8');
  if (body instanceof Uint8Array) return body.byteLength;
  return undefined;
}

/** One Node stream over any accepted body. */
export function toReadable(body: ObjectBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body, 'utf8')]);
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof ReadableStream) return Readable.fromWeb(body);
  if (body instanceof Readable) return body;
  throw new PlatformError(
    'invalid_input',
    'object body must be a Readable, a web ReadableStream, a Uint8Array or a string',
  );
}

export function tooLarge(key: string, limit: number): PlatformError {
  return new PlatformError(
    'payload_too_large',
    `object ${JSON.stringify(key)} is larger than this store's limit of ${limit} bytes (maxObjectBytes)`,
    { details: { key, limit } },
  );
}

/**
 * Passes bytes through, counting them and hashing them (MD5, the ETag S3 gives a single-part
 * object); fails with `payload_too_large` the moment the count passes the limit.
 */
export class ByteMeter extends Transform {
  bytes = 0;
  exceeded = false;
  private readonly hash: Hash | undefined;

  constructor(
    private readonly key: string,
    private readonly limit: number,
    options: { hash: boolean },
  ) {
    super();
    this.hash = options.hash ? createHash('md5') : undefined;
  }

  override _transform(chunk: unknown, _encoding: BufferEncoding, done: TransformCallback): void {
    const bytes = asBuffer(chunk);
    this.bytes += bytes.byteLength;
    if (this.bytes > this.limit) {
      this.exceeded = true;
      done(tooLarge(this.key, this.limit));
      return;
    }
    this.hash?.update(bytes);
    done(null, bytes);
  }

  /** Hex MD5 of everything that passed; call once the stream has ended. */
  digest(): string {
    return this.hash?.digest('hex') ?? '';
  }
}

/** A Buffer view of a stream chunk, without copying. */
function asBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array)
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(String(chunk), 'utf8');
}

/** Reads a whole stream into memory (for small objects and tests). */
export async function readAllBytes(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(asBuffer(chunk));
  return Buffer.concat(chunks);
}
