/**
 * The knowledge API: collections, document uploads (indexed in the background by the
 * document-ingestion pipeline), document status and deletion, and hybrid search.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import type { KnowledgeService } from '@homelab-ai/knowledge';
import type { Document } from '@homelab-ai/metadata-db';
import { apiError } from './api-errors.js';
import { readJson } from './request-body.js';

export interface KnowledgeRoutesDeps {
  /** The knowledge service, loaded on first use. */
  knowledge: () => Promise<KnowledgeService>;
  /** The user a request acts for (a single local user until accounts exist). */
  ownerOf(context: Context): Promise<string>;
  maxUploadBytes: number;
}

const createCollectionBody = z.object({ name: z.string() });
const searchBody = z.object({
  query: z.string().min(1, 'must not be empty').max(10_000),
  top_k: z.number().int().min(1).max(100).default(5),
  rerank: z.boolean().default(false),
});
const sourceBody = z.object({ source_url: z.string().min(1) });

function documentView(document: Document) {
  return {
    document_id: document.id,
    collection_id: document.collection_id,
    filename: document.filename,
    content_type: document.content_type,
    size_bytes: document.size_bytes,
    status: document.status,
    chunk_count: document.chunk_count,
    error: document.error,
    created_at: document.created_at,
    updated_at: document.updated_at,
  };
}

export function addKnowledgeRoutes(app: Hono, deps: KnowledgeRoutesDeps): void {
  const guarded =
    (
      handler: (context: Context, owner: string, knowledge: KnowledgeService) => Promise<Response>,
    ) =>
    async (context: Context): Promise<Response> => {
      try {
        return await handler(context, await deps.ownerOf(context), await deps.knowledge());
      } catch (error) {
        return apiError(context, error);
      }
    };

  app.post(
    '/api/collections',
    guarded(async (context, owner, knowledge) => {
      const { name } = await readJson(context, createCollectionBody);
      const collection = await knowledge.createCollection(owner, name);
      return context.json(
        {
          name: collection.name,
          embedding_model: collection.embedding_model,
          created_at: collection.created_at,
        },
        201,
      );
    }),
  );

  app.get(
    '/api/collections',
    guarded(async (context, owner, knowledge) => {
      const collections = await knowledge.listCollections(owner);
      return context.json({
        collections: collections.map((collection) => ({
          name: collection.name,
          embedding_model: collection.embedding_model,
          document_count: collection.document_count,
          indexing_count: collection.indexing_count,
          chunk_count: collection.chunk_count,
          created_at: collection.created_at,
        })),
      });
    }),
  );

  app.get(
    '/api/collections/:name/documents',
    guarded(async (context, owner, knowledge) => {
      const documents = await knowledge.listDocuments(owner, context.req.param('name') ?? '');
      return context.json({ documents: documents.map(documentView) });
    }),
  );

  app.post(
    '/api/collections/:name/documents',
    bodyLimit({
      maxSize: deps.maxUploadBytes + 64 * 1024,
      onError: (context) =>
        apiError(
          context,
          new PlatformError(
            'payload_too_large',
            `the upload is over the limit of ${Math.round(deps.maxUploadBytes / 1_048_576)} MB`,
          ),
        ),
    }),
    guarded(async (context, owner, knowledge) => {
      const collection = context.req.param('name') ?? '';
      if (context.req.header('content-type')?.startsWith('application/json')) {
        const { source_url } = await readJson(context, sourceBody);
        const { runId } = await knowledge.ingestSource(owner, collection, source_url);
        return context.json({ run_id: runId, status: 'queued' }, 202);
      }
      const form = await context.req.parseBody().catch(() => {
        throw new PlatformError(
          'invalid_input',
          'expected multipart/form-data with a field "file"',
        );
      });
      const file = form.file;
      if (!(file instanceof File)) {
        throw new PlatformError('invalid_input', 'file: expected a file in multipart field "file"');
      }
      const { document, runId } = await knowledge.upload(owner, collection, {
        filename: file.name,
        contentType: file.type || 'application/octet-stream',
        body: new Uint8Array(await file.arrayBuffer()),
      });
      return context.json(
        { document_id: document.id, run_id: runId, status: document.status },
        202,
      );
    }),
  );

  app.get(
    '/api/documents/:id',
    guarded(async (context, owner, knowledge) =>
      context.json(documentView(await knowledge.getDocument(owner, context.req.param('id') ?? ''))),
    ),
  );

  app.delete(
    '/api/documents/:id',
    guarded(async (context, owner, knowledge) => {
      await knowledge.deleteDocument(owner, context.req.param('id') ?? '');
      return context.body(null, 204);
    }),
  );

  app.post(
    '/api/collections/:name/search',
    guarded(async (context, owner, knowledge) => {
      const body = await readJson(context, searchBody);
      const result = await knowledge.search(owner, context.req.param('name') ?? '', {
        query: body.query,
        topK: body.top_k,
        rerank: body.rerank,
      });
      return context.json({
        collection: result.collection,
        mode: result.mode,
        reranked: result.reranked,
        notices: result.notices,
        passages: result.passages.map((passage) => ({
          chunk_id: passage.chunkId,
          document_id: passage.documentId,
          text: passage.text,
          score: passage.score,
          source: passage.source,
          page: passage.page ?? null,
          heading_path: passage.headingPath,
          matched_by: passage.matchedBy,
        })),
      });
    }),
  );
}
