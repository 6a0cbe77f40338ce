/**
 * Embeds chunks while the document is still being parsed: chunks are sent in batches as they
 * arrive, a few batches at a time, and the vectors are handed over packed in document order.
 * A failure is kept quiet here: the embed step then embeds again and reports it.
 */
import type { Embedder } from '@homelab-ai/models';

/** Texts per embedding request, and requests in flight. */
const BATCH = 64;
const IN_FLIGHT = 4;

interface Text {
  text: string;
}

export class EmbeddingPrefetch {
  readonly #embedder: Embedder;
  readonly #signal: AbortSignal | undefined;
  readonly #vectors = new Map<Text, number[]>();
  readonly #running = new Set<Promise<void>>();
  #waiting: Text[] = [];
  #failed = false;

  constructor(embedder: Embedder, signal?: AbortSignal) {
    this.#embedder = embedder;
    this.#signal = signal;
  }

  /** Queues chunks for embedding; full batches go out at once. */
  add(chunks: readonly Text[]): void {
    this.#waiting.push(...chunks);
    this.#send(false);
  }

  /** Sends what is left and waits: the vectors of `chunks`, or undefined if a batch failed. */
  async finish(chunks: readonly Text[]): Promise<number[][] | undefined> {
    for (;;) {
      this.#send(true);
      if (this.#running.size === 0) break;
      await Promise.race(this.#running);
    }
    if (this.#failed) return undefined;
    const vectors: number[][] = [];
    for (const chunk of chunks) {
      const vector = this.#vectors.get(chunk);
      if (!vector) return undefined;
      vectors.push(vector);
    }
    return vectors;
  }

  #send(flush: boolean): void {
    while (
      !this.#failed &&
      this.#running.size < IN_FLIGHT &&
      (this.#waiting.length >= BATCH || (flush && this.#waiting.length > 0))
    ) {
      const batch = this.#waiting.slice(0, BATCH);
      this.#waiting = this.#waiting.slice(BATCH);
      const request = this.#embed(batch).finally(() => {
        this.#running.delete(request);
        this.#send(false);
      });
      this.#running.add(request);
    }
    if (this.#failed) this.#waiting = [];
  }

  async #embed(batch: Text[]): Promise<void> {
    try {
      const vectors = await this.#embedder.embed({
        texts: batch.map((chunk) => chunk.text),
        ...(this.#signal ? { signal: this.#signal } : {}),
      });
      batch.forEach((chunk, index) => {
        const vector = vectors[index];
        if (vector) this.#vectors.set(chunk, vector);
      });
    } catch {
      this.#failed = true;
    }
  }
}

/** Vectors packed row after row, or undefined unless each has `dimension` components. */
export function packVectors(
  vectors: readonly number[][],
  dimension: number,
): Float32Array | undefined {
  const packed = new Float32Array(vectors.length * dimension);
  for (const [index, vector] of vectors.entries()) {
    if (vector.length !== dimension) return undefined;
    packed.set(vector, index * dimension);
  }
  return packed;
}

/** Packed vectors read back from their artifact bytes (a copy when not 4-byte aligned). */
export function unpackVectors(bytes: Uint8Array): Float32Array {
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  return new Float32Array(aligned.buffer, aligned.byteOffset, Math.floor(aligned.byteLength / 4));
}
