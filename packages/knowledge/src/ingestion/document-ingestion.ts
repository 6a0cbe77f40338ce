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
import { currentEmbeddingSpace } from '../library/vector-collection.js';
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
            const outcome = await parseAndChunk(
              { db, objects: deps.objects, settings: deps.settings, signal: context.signal },
              id,
            );
            context.progress(++done / documentIds.length, `parsed ${done}/${documentIds.length}`);
            if (!outcome.ok) return { document_id: id, error: outcome.error };
            const stored = await context.artifacts.put(
              `chunks/${id}.json`,
              JSON.stringify(outcome.value),
              { contentType: 'application/json' },
            );
            return { document_id: id, chunks_key: stored.key };
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
            const bytes = await context.artifacts.getByKey(document.chunks_key);
            const documentChunks = JSON.parse(
              Buffer.from(bytes).toString('utf8'),
            ) as IndexableChunk[];
            const outcome = await embedAndIndex(
              {
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
