/** Bodies for the contract suite: generated streams of known hash, and a stream held open. */
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

export interface GeneratedBody {
  stream: Readable;
  /** SHA-256 (hex) of everything the stream will produce. */
  sha256: string;
  size: number;
}

/** `size` random bytes in odd-sized chunks, so chunk edges never line up with part edges. */
export function randomBody(size: number, chunkSize = 777_777): GeneratedBody {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  for (let offset = 0; offset < size; offset += chunkSize) {
    const chunk = randomBytes(Math.min(chunkSize, size - offset));
    hash.update(chunk);
    chunks.push(chunk);
  }
  return { stream: Readable.from(chunks), sha256: hash.digest('hex'), size };
}

/** Hashes a stream as it is read. */
export async function sha256Of(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    size += bytes.byteLength;
    hash.update(bytes);
  }
  return { sha256: hash.digest('hex'), size };
}

/** A stream that gives its first chunk, then waits for `release` before giving the rest. */
export function heldBody(
  first: Buffer,
  rest: Buffer,
): {
  stream: Readable;
  firstRead: Promise<void>;
  release: () => void;
  fail: (error: Error) => void;
} {
  let release: () => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  let markFirstRead: () => void = () => undefined;
  const firstRead = new Promise<void>((resolve) => (markFirstRead = resolve));
  const gate = new Promise<void>((resolve, reject) => {
    release = resolve;
    fail = reject;
  });
  let step = 0;
  const stream = new Readable({
    read() {
      step++;
      if (step === 1) {
        this.push(first);
        markFirstRead();
      } else if (step === 2) {
        gate.then(
          () => {
            this.push(rest);
            this.push(null);
          },
          (error: Error) => this.destroy(error),
        );
      }
    },
  });
  return { stream, firstRead, release, fail };
}
