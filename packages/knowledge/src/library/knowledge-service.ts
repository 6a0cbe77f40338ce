/**
 * The knowledge library as users see it: their collections, the documents in them, and search.
 * Every call is scoped to an owner. Indexing itself runs as the `document-ingestion` pipeline;
 * this service records an upload and asks for the run through `requestIngestion`.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError } from '@homelab-ai/contracts';
import {
  createDocument,
  deleteDocumentRow,
  findCollectionByName,
  findCollectionForSearch,
  getOwnedDocument,
  listCollectionDocuments,
  listCollectionSummaries,
  type Collection,
  type CollectionSummary,
  type Document,
} from '@homelab-ai/metadata-db';
import { createUnconfiguredEmbedder } from '@homelab-ai/models';
import { createHybridRetriever, type RetrieveResult } from '../retrieval/hybrid-retriever.js';
import { createQueryEmbeddings } from '../retrieval/query-embeddings.js';
import { createSearchTargets } from './search-targets.js';
import { checkCollectionName } from './collection-name.js';
import { createUserCollection, ensureUserCollection } from './collections.js';
import type { KnowledgeDeps } from './knowledge-deps.js';
import { storeUpload, type UploadBody } from './store-upload.js';
import {
  currentEmbeddingSpace,
  LEXICAL_ONLY_MODEL,
  vectorCollectionName,
} from './vector-collection.js';

export interface IngestionRequest {
  requestId: string;
  parameters: Record<string, string>;
}

export interface KnowledgeServiceOptions extends KnowledgeDeps {
  /** Starts the `document-ingestion` pipeline (over the bus, through the pipeline bridge). */
  requestIngestion(request: IngestionRequest): Promise<void>;
  maxUploadBytes: number;
}

export interface UploadInput {
  filename: string;
  contentType: string;
  body: UploadBody;
}

export interface SearchInput {
  query: string;
  topK: number;
  rerank?: boolean;
}

export interface SearchResult extends RetrieveResult {
  collection: string;
}

export function createKnowledgeService(options: KnowledgeServiceOptions) {
  const queryEmbeddings = createQueryEmbeddings(options.embedder);
  const embedsQueries = options.embedder.adapter !== 'none';
  const searchTargets = createSearchTargets(async (ownerId, name) =>
    findCollectionForSearch((await options.openDb()).db, ownerId, name),
  );

  async function requireCollection(ownerId: string, name: string): Promise<Collection> {
    const { db } = await options.openDb();
    const collection = await findCollectionByName(db, ownerId, checkCollectionName(name));
    if (!collection) throw new PlatformError('not_found', `there is no collection named "${name}"`);
    return collection;
  }

  async function ports() {
    const [{ db }, vectors] = await Promise.all([options.openDb(), options.openVectors()]);
    return { db, vectors, embedder: options.embedder };
  }

  return {
    async createCollection(ownerId: string, name: string): Promise<Collection> {
      return createUserCollection(await ports(), ownerId, name);
    },

    async ensureCollection(ownerId: string, name: string): Promise<Collection> {
      return ensureUserCollection(await ports(), ownerId, name);
    },

    async listCollections(ownerId: string): Promise<CollectionSummary[]> {
      const { db } = await options.openDb();
      return listCollectionSummaries(db, ownerId);
    },

    async listDocuments(ownerId: string, collectionName: string): Promise<Document[]> {
      const collection = await requireCollection(ownerId, collectionName);
      const { db } = await options.openDb();
      return listCollectionDocuments(db, collection.id);
    },

    /** Stores the upload, records the document `queued` and asks for its indexing. */
    async upload(
      ownerId: string,
      collectionName: string,
      input: UploadInput,
    ): Promise<{ document: Document; runId: string }> {
      const collection = await requireCollection(ownerId, collectionName);
      const { db } = await options.openDb();
      const filename = safeFilename(input.filename);
      const documentId = randomUUID();
      const objectKey = `documents/${ownerId}/${documentId}/${filename}`;
      const stored = await storeUpload(options.objects, objectKey, input, options.maxUploadBytes);
      let document: Document;
      try {
        document = await createDocument(db, {
          collectionId: collection.id,
          ownerId,
          filename,
          contentType: input.contentType,
          sizeBytes: stored.size,
          sha256: stored.sha256,
          objectKey,
        });
      } catch (error) {
        await options.objects.delete(objectKey);
        throw error;
      }
      searchTargets.forget();
      const runId = randomUUID();
      await options.requestIngestion({
        requestId: runId,
        parameters: {
          'source-url': `document:${document.id}`,
          'collection-name': collection.name,
          owner: ownerId,
        },
      });
      return { document, runId };
    },

    /** Asks for the ingestion of a URL, `s3://` prefix or server-side folder. */
    async ingestSource(
      ownerId: string,
      collectionName: string,
      sourceUrl: string,
    ): Promise<{ runId: string }> {
      const collection = await requireCollection(ownerId, collectionName);
      const runId = randomUUID();
      searchTargets.forget();
      await options.requestIngestion({
        requestId: runId,
        parameters: { 'source-url': sourceUrl, 'collection-name': collection.name, owner: ownerId },
      });
      return { runId };
    },

    async getDocument(ownerId: string, documentId: string): Promise<Document> {
      const { db } = await options.openDb();
      return getOwnedDocument(db, ownerId, documentId);
    },

    /** Removes a document: its chunks from the index, its bytes and its record. */
    async deleteDocument(ownerId: string, documentId: string): Promise<void> {
      const { db } = await options.openDb();
      const document = await getOwnedDocument(db, ownerId, documentId);
      const vectors = await options.openVectors();
      await vectors.delete(vectorCollectionName(document.collection_id), {
        filter: { documentId: document.id },
      });
      await options.objects.delete(document.object_key);
      await deleteDocumentRow(db, document.id);
      searchTargets.forget();
    },

    /** Starts embedding a query that a search will likely follow (a chat turn's question). */
    prefetchQuery(query: string): void {
      const trimmed = query.trim();
      if (embedsQueries && trimmed) queryEmbeddings.embed(trimmed).catch(() => undefined);
    },

    async search(
      ownerId: string,
      collectionName: string,
      input: SearchInput,
    ): Promise<SearchResult> {
      const name = checkCollectionName(collectionName);
      const query = input.query.trim();
      if (!query) throw new PlatformError('invalid_input', 'query: must not be empty');
      // The query is embedded while the collection is looked up: both sit on every RAG turn.
      const embedding = embedsQueries ? queryEmbeddings.embed(query) : undefined;
      embedding?.catch(() => undefined);
      const found = await searchTargets.find(ownerId, name);
      if (!found) throw new PlatformError('not_found', `there is no collection named "${name}"`);
      const { collection, pending } = found;
      const space = await currentEmbeddingSpace(options.embedder);
      const sameSpace =
        collection.embedding_model !== LEXICAL_ONLY_MODEL &&
        collection.embedding_model === space.model;
      const vectors = await options.openVectors();
      const retriever = createHybridRetriever({
        vectors,
        embedder: sameSpace ? options.embedder : createUnconfiguredEmbedder(),
        reranker: options.reranker,
      });
      const result = await retriever.retrieve({
        collection: vectorCollectionName(collection.id),
        query,
        topK: input.topK,
        owner: ownerId,
        ...(input.rerank === undefined ? {} : { rerank: input.rerank }),
        ...(sameSpace && embedding ? { queryVector: embedding } : {}),
      });
      const notices = [...result.notices];
      if (!sameSpace && collection.embedding_model !== LEXICAL_ONLY_MODEL) {
        notices.push(
          `collection "${collection.name}" was indexed with ${collection.embedding_model}; the configured embedder differs, so the search is lexical only until it is re-indexed`,
        );
      }
      if (pending.count > 0) {
        notices.push(
          `${pending.count} document(s) in "${collection.name}" are still being indexed (${pending.filenames.join(', ')}); answers may miss them`,
        );
      }
      return { ...result, notices, collection: collection.name };
    },
  };
}

/** A file name safe as the last segment of an object key: no slashes or control characters. */
function safeFilename(name: string): string {
  const cleaned = [...name]
    .map((character) =>
      character < ' ' || character === '/' || character === '\\' ? '_' : character,
    )
    .join('')
    .slice(-200);
  return cleaned || 'upload';
}

export type KnowledgeService = ReturnType<typeof createKnowledgeService>;
