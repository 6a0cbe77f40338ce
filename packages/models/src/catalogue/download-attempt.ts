/**
 * One attempt of a download: asks for the bytes after the existing `.part` (Range), handles the
 * server's answer (206 resume, 200 restart, 416 already complete), and streams the body into the
 * part while hashing it. Throws on a dropped connection so the caller can retry by resuming.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { PlatformError } from '@homelab-ai/contracts';
import { fetchFollowingRedirects, parseContentRange, statusError } from './fetch-hops.js';

export interface DownloadTarget {
  url: string;
  file: string;
  id: string | undefined;
  expectedSha256: string | undefined;
  expectedSha256From: 'catalogue' | 'option' | undefined;
  expectedSize: number | undefined;
}

export interface AttemptContext {
  fetch: typeof fetch;
  signal: AbortSignal | undefined;
  /** Called per chunk written: bytes in the part, whole size if known, this chunk's size. */
  onBytes: (receivedBytes: number, totalBytes: number | undefined, chunkBytes: number) => void;
}

export interface CompletedDownload {
  sha256: string;
  sizeBytes: number;
  declaredSha256: string | undefined;
  declaredSize: number | undefined;
}

/** Runs one request; resolves when the part file holds the whole file. */
export async function downloadAttempt(
  target: DownloadTarget,
  partPath: string,
  context: AttemptContext,
): Promise<CompletedDownload> {
  const partSize = await sizeOf(partPath);
  const headers: Record<string, string> = { 'accept-encoding': 'identity' };
  if (partSize > 0) headers.range = `bytes=${partSize}-`;
  const fetched = await fetchFollowingRedirects(
    target.url,
    headers,
    context.signal,
    context.fetch,
    (declared) => refuseDeclaredMismatch(target, declared, partPath),
  );
  const { response, declaredSha256, declaredSize } = fetched;

  if (response.status === 416) {
    // Nothing after our offset: either the part is already whole, or it is longer than the file.
    await response.body?.cancel();
    const total = parseContentRange(response.headers.get('content-range'))?.total;
    const whole = total ?? target.expectedSize ?? declaredSize;
    if (partSize > 0 && whole === partSize) {
      const hash = await hashFile(partPath);
      return { sha256: hash.digest('hex'), sizeBytes: partSize, declaredSha256, declaredSize };
    }
    await rm(partPath, { force: true });
    throw new PlatformError(
      'unavailable',
      `models: ${target.url} refused to resume ${partPath} (416); starting over`,
    );
  }

  let offset: number;
  let total: number | undefined;
  let hash: Hash;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get('content-range'));
    if (range?.start !== partSize) {
      await response.body?.cancel();
      await rm(partPath, { force: true });
      throw new PlatformError(
        'unavailable',
        `models: ${target.url} answered a different range than asked (${response.headers.get('content-range')}); starting over`,
      );
    }
    offset = partSize;
    total = range.total;
    hash = await hashFile(partPath);
  } else if (response.status === 200) {
    // The server ignored the Range header (or there was none): start from zero.
    offset = 0;
    const length = response.headers.get('content-length');
    total = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
    hash = createHash('sha256');
  } else {
    await response.body?.cancel();
    throw statusError(response.status, fetched.finalUrl);
  }
  total ??= target.expectedSize ?? declaredSize;
  if (!response.body)
    throw new PlatformError('unavailable', `models: ${target.url} answered without a body`);

  let received = offset;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      received += chunk.length;
      context.onBytes(received, total, chunk.length);
      callback(null, chunk);
    },
  });
  await pipeline(
    Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
    hashing,
    createWriteStream(partPath, { flags: offset > 0 ? 'a' : 'w' }),
    ...(context.signal ? [{ signal: context.signal }] : []),
  );
  if (total !== undefined && received !== total) {
    if (received > total) await rm(partPath, { force: true });
    throw new PlatformError(
      'unavailable',
      `models: connection to ${target.url} ended after ${received} of ${total} bytes`,
    );
  }
  return { sha256: hash.digest('hex'), sizeBytes: received, declaredSha256, declaredSize };
}

/** A server that declares a different sha256 than the one we expect is serving another file. */
async function refuseDeclaredMismatch(
  target: DownloadTarget,
  declared: string,
  partPath: string,
): Promise<void> {
  if (target.expectedSha256 === undefined || declared === target.expectedSha256) return;
  await rm(partPath, { force: true });
  throw new PlatformError(
    'model_rejected',
    `models: checksum mismatch for ${target.file}: ${target.url} declares sha256 ${declared}, ` +
      `expected ${target.expectedSha256}; nothing was kept — check the URL or HOMELAB_MODELS_MIRROR`,
    { details: { expected: target.expectedSha256, declared } },
  );
}

/** A sha256 hash fed with the existing part file (streamed, so the size does not matter). */
async function hashFile(path: string): Promise<Hash> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash;
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
