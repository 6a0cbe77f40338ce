/**
 * The `document-ingestion` pipeline (the original's, with its `source-url` and
 * `collection-name` parameters): resolve the source into queued documents → parse and chunk
 * each (chunks kept as run artifacts) → embed and write them into the VectorStore, the
 * full-text index and the metadata DB. A document that fails is marked `failed` with the
 * reason while the others go on; the run fails only when no document could be indexed.
 */
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import { getCollectionById } from '@homelab-ai/metadata-db';
import { definePipeline, type StepContext } from '@homelab-ai/pipelines';
import type { IndexableChunk } from '../library/chunk-indexer.js';
import { ensureUserCollection } from '../library/collections.js';
import type { KnowledgeDeps } from '../library/knowledge-deps.js';
import { currentEmbeddingSpace, type EmbeddingSpace } from '../library/vector-collection.js';
import { EmbeddingPrefetch, packVectors, unpackVectors } from './embedding-prefetch.js';
import { embedAndIndex, parseAndChunk } from './index-document.js';
import type { IngestionSettings } from './ingestion-settings.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { resolveSource } from './resolve-sources.js';

export const DOCUMENT_INGESTION = 'document-ingestion';

export interface IngestionDeps extends KnowledgeDeps {
  settings: IngestionSettings;
  /** The owner of runs triggered without one (the single local user before accounts). */
  defaultOwner(): Promise<string>;
}

const parametersSchema = z.object({
  'source-url': z.string().trim().min(1, 'must name a source'),
  'collection-name': z.string().trim().min(1, 'must name a collection'),
  owner: z.uuid('must be a user id').optional(),
});
type Parameters = z.output<typeof parametersSchema>;

interface ParsedDocumentOutput {
  document_id: string;
  chunks_key?: string;
  /** The chunks' vectors, embedded during parsing, and the space they are in. */
  vectors_key?: string;
  vectors_model?: string;
  vectors_dimension?: number;
  error?: string;
}

const DOCUMENTS_AT_ONCE = 2;

function stringArray(value: unknown): string[] {
  return Array.isArray(value)
    ? value.filter((item): item is string => typeof item === 'string')
    : [];
}

export function createDocumentIngestionPipeline(deps: IngestionDeps) {
  const ownerOf = async (parameters: Parameters) => parameters.owner ?? (await deps.defaultOwner());

  return definePipeline({
    name: DOCUMENT_INGESTION,
    description:
      'Fetches documents (upload, URL, s3:// prefix, folder), parses and chunks them, embeds the chunks and indexes them for hybrid search.',
    parameters: parametersSchema,
    steps: [
      {
        name: 'resolve-source',
        resumable: true,
        retries: 1,
        async run(context: StepContext<Parameters>) {
          const { parameters, signal } = context;
          const [{ db }, vectors] = await Promise.all([deps.openDb(), deps.openVectors()]);
          const ownerId = await ownerOf(parameters);
          const collection = await ensureUserCollection(
            { db, vectors, embedder: deps.embedder },
            ownerId,
            parameters['collection-name'],
          );
          const documentIds = await resolveSource(
            { db, objects: deps.objects, settings: deps.settings, collection, ownerId, signal },
            parameters['source-url'],
          );
          return { collection_id: collection.id, document_ids: documentIds };
        },
      },
      {
        name: 'parse-chunk',
        dependsOn: ['resolve-source'],
        resumable: true,
        async run(context: StepContext<Parameters>) {
          const { db } = await deps.openDb();
          const documentIds = stringArray(context.output('resolve-source').document_ids);
          let done = 0;
          const documents = await mapWithConcurrency(documentIds, DOCUMENTS_AT_ONCE, async (id) => {
            // Chunks are embedded while the rest of the document is still being parsed.
            const prefetch =
              deps.embedder.adapter === 'none'
                ? undefined
                : new EmbeddingPrefetch(deps.embedder, context.signal);
            const outcome = await parseAndChunk(
              {
                db,
                objects: deps.objects,
                settings: deps.settings,
                signal: context.signal,
                ...(prefetch ? { onChunks: (chunks) => prefetch.add(chunks) } : {}),
              },
              id,
            );
            context.progress(++done / documentIds.length, `parsed ${done}/${documentIds.length}`);
            if (!outcome.ok) {
              await prefetch?.finish([]);
              return { document_id: id, error: outcome.error };
            }
            const [stored, vectors] = await Promise.all([
              context.artifacts.put(`chunks/${id}.json`, JSON.stringify(outcome.value), {
                contentType: 'application/json',
              }),
              prefetch
                ? storeVectors(context, id, prefetch, outcome.value, () =>
                    currentEmbeddingSpace(deps.embedder),
                  )
                : undefined,
            ]);
            return { document_id: id, chunks_key: stored.key, ...vectors };
          });
          return { documents };
        },
      },
      {
        name: 'embed-index',
        dependsOn: ['resolve-source', 'parse-chunk'],
        resumable: true,
        async run(context: StepContext<Parameters>) {
          const [{ db }, vectors] = await Promise.all([deps.openDb(), deps.openVectors()]);
          const collectionId = String(context.output('resolve-source').collection_id);
          const collection = await getCollectionById(db, collectionId);
          if (!collection) throw new PlatformError('not_found', 'the collection was deleted');
          const space = await currentEmbeddingSpace(deps.embedder);
          const parsed = (context.output('parse-chunk').documents ?? []) as ParsedDocumentOutput[];
          const failures = parsed.flatMap((document) =>
            document.error ? [{ document_id: document.document_id, error: document.error }] : [],
          );
          let indexed = 0;
          let chunks = 0;
          for (const document of parsed) {
            if (!document.chunks_key) continue;
            const [bytes, embeddings] = await Promise.all([
              context.artifacts.getByKey(document.chunks_key),
              readVectors(context, document, space),
            ]);
            const documentChunks = JSON.parse(
              Buffer.from(bytes).toString('utf8'),
            ) as IndexableChunk[];
            const outcome = await embedAndIndex(
              {
                ...(embeddings ? { embeddings } : {}),
                db,
                vectors,
                embedder: deps.embedder,
                space,
                collection,
                settings: deps.settings,
                signal: context.signal,
                onProgress: (done, total) =>
                  context.progress(
                    total === 0 ? 1 : done / total,
                    `${document.document_id}: ${done}/${total} chunks`,
                  ),
              },
              document.document_id,
              documentChunks,
            );
            if (outcome.ok) {
              indexed += 1;
              chunks += outcome.value;
            } else {
              failures.push({ document_id: document.document_id, error: outcome.error });
            }
          }
          if (indexed === 0 && failures.length > 0) {
            throw new PlatformError(
              'invalid_input',
              failures
                .map((failure) => failure.error)
                .slice(0, 3)
                .join('; '),
            );
          }
          return { indexed, chunks, failed: failures };
        },
      },
    ],
  });
}

/** Stores the prefetched vectors of a document's chunks; nothing when embedding failed. */
async function storeVectors(
  context: StepContext<Parameters>,
  documentId: string,
  prefetch: EmbeddingPrefetch,
  chunks: readonly IndexableChunk[],
  space: () => Promise<EmbeddingSpace>,
): Promise<Pick<ParsedDocumentOutput, 'vectors_key' | 'vectors_model' | 'vectors_dimension'>> {
  const vectors = await prefetch.finish(chunks);
  if (!vectors) return {};
  const { model, dimension } = await space();
  const packed = packVectors(vectors, dimension);
  if (!packed) return {};
  const stored = await context.artifacts.put(
    `vectors/${documentId}.f32`,
    new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength),
    { contentType: 'application/octet-stream' },
  );
  return { vectors_key: stored.key, vectors_model: model, vectors_dimension: dimension };
}

/** The vectors embedded during parsing, when they are in the collection's current space. */
async function readVectors(
  context: StepContext<Parameters>,
  document: ParsedDocumentOutput,
  space: EmbeddingSpace,
): Promise<Float32Array | undefined> {
  const { vectors_key: key, vectors_model: model, vectors_dimension: dimension } = document;
  if (!key || model !== space.model || dimension !== space.dimension) return undefined;
  try {
    return unpackVectors(await context.artifacts.getByKey(key));
  } catch {
    return undefined; // embedded again
  }
}
