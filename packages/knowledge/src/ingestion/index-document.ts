/**
 * The two halves of indexing one document, run as separate pipeline steps: parse and chunk
 * (document `queued` → `indexing`), then embed and write (→ `indexed`). A failure moves the
 * document to `failed` with the reason and leaves the chunks it had before untouched.
 */
import type { Kysely } from 'kysely';
import { toPlatformError } from '@homelab-ai/contracts';
import {
  getDocumentById,
  setDocumentStatus,
  type Collection,
  type Database,
} from '@homelab-ai/metadata-db';
import type { Embedder } from '@homelab-ai/models';
import { readAllBytes, type ObjectStore } from '@homelab-ai/object-store';
import type { VectorStore } from '@homelab-ai/vector-store';
import { indexChunks, type IndexableChunk } from '../library/chunk-indexer.js';
import { vectorCollectionName, type EmbeddingSpace } from '../library/vector-collection.js';
import type { IngestionSettings } from './ingestion-settings.js';
import { parseAndChunkOffThread } from './parse-worker/parse-off-thread.js';

export type StepOutcome<T> =
  { documentId: string; ok: true; value: T } | { documentId: string; ok: false; error: string };

async function failDocument<T>(
  db: Kysely<Database>,
  documentId: string,
  error: unknown,
  signal: AbortSignal | undefined,
): Promise<StepOutcome<T>> {
  if (signal?.aborted) throw error;
  const message = toPlatformError(error).message;
  await setDocumentStatus(db, documentId, 'failed', message).catch(() => undefined);
  return { documentId, ok: false, error: message };
}

export async function parseAndChunk(
  context: {
    db: Kysely<Database>;
    objects: ObjectStore;
    settings: IngestionSettings;
    signal?: AbortSignal;
    /** Gets the chunks as they are cut, before all of the document is parsed. */
    onChunks?: (chunks: readonly IndexableChunk[]) => void;
  },
  documentId: string,
): Promise<StepOutcome<IndexableChunk[]>> {
  const { db, settings } = context;
  const document = await getDocumentById(db, documentId);
  if (!document) return { documentId, ok: false, error: 'the document was deleted' };
  await setDocumentStatus(db, documentId, 'indexing');
  try {
    const download = await context.objects.get(document.object_key);
    const bytes = await readAllBytes(download.body);
    // Parsed in worker threads: a large document does not hold up chat or the API.
    const chunks = await parseAndChunkOffThread(bytes, {
      filename: document.filename,
      contentType: document.content_type,
      maxBytes: settings.maxDocumentBytes,
      signal: context.signal,
      chunking: { maxTokens: settings.chunkTokens, overlapTokens: settings.chunkOverlapTokens },
      onChunks: context.onChunks,
    });
    if (chunks.length === 0) throw new Error('the document holds no text');
    return { documentId, ok: true, value: chunks };
  } catch (error) {
    return failDocument(db, documentId, error, context.signal);
  }
}

export interface EmbedAndIndexContext {
  db: Kysely<Database>;
  vectors: VectorStore;
  embedder: Embedder;
  space: EmbeddingSpace;
  collection: Collection;
  settings: IngestionSettings;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** The chunks' vectors, when embedded while parsing (packed row after row). */
  embeddings?: Float32Array;
}

export async function embedAndIndex(
  context: EmbedAndIndexContext,
  documentId: string,
  chunks: readonly IndexableChunk[],
): Promise<StepOutcome<number>> {
  const { db } = context;
  const document = await getDocumentById(db, documentId);
  if (!document) return { documentId, ok: false, error: 'the document was deleted' };
  try {
    const count = await indexChunks({
      db,
      vectors: context.vectors,
      embedder: context.embedder,
      space: context.space,
      vectorCollection: vectorCollectionName(context.collection.id),
      document: {
        id: document.id,
        ownerId: document.owner_id,
        source: document.filename,
        previousChunkCount: document.chunk_count,
      },
      chunks,
      ...(context.embeddings ? { embeddings: context.embeddings } : {}),
      ...(context.signal ? { signal: context.signal } : {}),
      ...(context.onProgress ? { onProgress: context.onProgress } : {}),
    });
    await setDocumentStatus(db, documentId, 'indexed');
    return { documentId, ok: true, value: count };
  } catch (error) {
    return failDocument(db, documentId, error, context.signal);
  }
}
