/**
 * Streams an upload into the ObjectStore while counting and hashing it; refuses it past the
 * limit with `payload_too_large`, leaving nothing stored.
 */
import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { PlatformError } from '@homelab-ai/contracts';
import type { ObjectStore } from '@homelab-ai/object-store';

export type UploadBody = Readable | Uint8Array;

export async function storeUpload(
  objects: ObjectStore,
  key: string,
  input: { body: UploadBody; contentType: string },
  maxBytes: number,
): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256');
  let size = 0;
  const source = input.body instanceof Uint8Array ? Readable.from([input.body]) : input.body;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      size += chunk.length;
      if (size > maxBytes) {
        callback(
          new PlatformError(
            'payload_too_large',
            `the upload is over the limit of ${Math.round(maxBytes / 1_048_576)} MB`,
          ),
        );
        return;
      }
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  source.on('error', (error) => meter.destroy(error));
  try {
    await objects.put(key, source.pipe(meter), { contentType: input.contentType });
  } catch (error) {
    await objects.delete(key).catch(() => undefined);
    throw error;
  }
  if (size === 0) {
    await objects.delete(key);
    throw new PlatformError('invalid_input', 'the file is empty');
  }
  return { size, sha256: hash.digest('hex') };
}
