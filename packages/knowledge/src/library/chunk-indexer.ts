/**
 * Writes one document's chunks: embeds them in batches, upserts them into the VectorStore
 * (with the metadata citations need) and the metadata DB, and removes the chunks an earlier
 * version of the document had beyond the new count. Chunk ids are `<document id>:<ordinal>`,
 * so re-indexing replaces rather than duplicates.
 */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { replaceDocumentChunks, type Database } from '@homelab-ai/metadata-db';
import type { Embedder } from '@homelab-ai/models';
import type { ChunkRecord, VectorStore } from '@homelab-ai/vector-store';
import type { EmbeddingSpace } from './vector-collection.js';

export interface IndexableChunk {
  ordinal: number;
  text: string;
  tokenCount: number;
  headingPath: readonly string[];
  page?: number | undefined;
}

export interface IndexChunksInput {
  db: Kysely<Database>;
  vectors: VectorStore;
  embedder: Embedder;
  space: EmbeddingSpace;
  vectorCollection: string;
  document: { id: string; ownerId: string; source: string; previousChunkCount: number };
  chunks: readonly IndexableChunk[];
  /** The chunks' vectors packed row after row, when already embedded (else the embedder). */
  embeddings?: Float32Array;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export function chunkId(documentId: string, ordinal: number): string {
  return `${documentId}:${ordinal}`;
}

/** Chunks written per VectorStore upsert: one commit (and one index upkeep) per group. */
const UPSERT_GROUP = 4_096;

export async function indexChunks(input: IndexChunksInput): Promise<number> {
  const { chunks, document, space } = input;
  const lexicalOnly = input.embedder.adapter === 'none';
  // The metadata rows and the index are written at the same time: neither waits on the other.
  const rowsWritten = replaceDocumentChunks(
    input.db,
    document.id,
    chunks.map((chunk) => ({
      ordinal: chunk.ordinal,
      text: chunk.text,
      tokenCount: chunk.tokenCount,
      metadata: {
        heading_path: [...chunk.headingPath],
        ...(chunk.page === undefined ? {} : { page: chunk.page }),
      },
    })),
  );
  rowsWritten.catch(() => undefined);
  for (let start = 0; start < chunks.length; start += UPSERT_GROUP) {
    input.signal?.throwIfAborted();
    const group = chunks.slice(start, start + UPSERT_GROUP);
    // The embedder splits the texts into batches and sends them concurrently.
    const vectors = lexicalOnly
      ? group.map(() => [0])
      : (embedded(input.embeddings, start, group.length, space.dimension) ??
        (await input.embedder.embed({
          texts: group.map((chunk) => chunk.text),
          ...(input.signal ? { signal: input.signal } : {}),
        })));
    const records: ChunkRecord[] = group.map((chunk, index) => {
      const vector = vectors[index];
      if (!vector || vector.length !== space.dimension) {
        throw new PlatformError(
          'model_error',
          `the embedding model returned ${vector?.length ?? 0} dimensions, the collection has ${space.dimension}`,
        );
      }
      return {
        id: chunkId(document.id, chunk.ordinal),
        vector,
        text: chunk.text,
        owner: document.ownerId,
        documentId: document.id,
        metadata: {
          source: document.source,
          ordinal: chunk.ordinal,
          page: chunk.page ?? 0,
          heading_path: chunk.headingPath.join(' > '),
        },
      };
    });
    await input.vectors.upsert(input.vectorCollection, records);
    input.onProgress?.(Math.min(start + UPSERT_GROUP, chunks.length), chunks.length);
  }
  const stale: string[] = [];
  for (let ordinal = chunks.length; ordinal < document.previousChunkCount; ordinal++) {
    stale.push(chunkId(document.id, ordinal));
  }
  if (stale.length > 0) await input.vectors.delete(input.vectorCollection, { ids: stale });
  return rowsWritten;
}

/**
 * The given vectors of chunks `start` to `start + count`, if all of them are there, as plain
 * arrays (what the VectorStore copies fastest).
 */
function embedded(
  packed: Float32Array | undefined,
  start: number,
  count: number,
  dimension: number,
): number[][] | undefined {
  if (!packed || packed.length < (start + count) * dimension) return undefined;
  return Array.from({ length: count }, (_, index) => {
    const offset = (start + index) * dimension;
    const vector = new Array<number>(dimension);
    for (let component = 0; component < dimension; component++) {
      vector[component] = packed[offset + component] ?? 0;
    }
    return vector;
  });
}
