/** Knowledge: collections, their documents, the documents' indexing status and chunks. */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { UNIQUE_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import {
  toJson,
  type Chunk,
  type Collection,
  type Database,
  type Document,
  type DocumentStatus,
  type JsonObject,
} from '../schema.js';
import { inTransaction } from './transaction.js';

export interface CreateCollectionInput {
  ownerId: string;
  name: string;
  embeddingModel: string;
  dimension: number;
}

/** Creates a collection; `conflict` if the owner already has one by that name. */
export async function createCollection(
  db: Kysely<Database>,
  input: CreateCollectionInput,
): Promise<Collection> {
  try {
    return await db
      .insertInto('collections')
      .values({
        owner_id: input.ownerId,
        name: input.name,
        embedding_model: input.embeddingModel,
        dimension: input.dimension,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new PlatformError('conflict', `a collection named "${input.name}" already exists`, {
        cause: error,
      });
    }
    throw toDatabaseError(error, `creating collection "${input.name}"`);
  }
}

export interface CreateDocumentInput {
  collectionId: string;
  ownerId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  objectKey: string;
}

/** Records an uploaded document, `queued` for indexing. */
export async function createDocument(
  db: Kysely<Database>,
  input: CreateDocumentInput,
): Promise<Document> {
  try {
    return await db
      .insertInto('documents')
      .values({
        collection_id: input.collectionId,
        owner_id: input.ownerId,
        filename: input.filename,
        content_type: input.contentType,
        size_bytes: input.sizeBytes,
        sha256: input.sha256,
        object_key: input.objectKey,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    throw toDatabaseError(error, `recording document "${input.filename}"`);
  }
}

/**
 * Moves a document to `status`. The error text is kept for `failed` and cleared otherwise;
 * `not_found` if there is no such document.
 */
export async function setDocumentStatus(
  db: Kysely<Database>,
  documentId: string,
  status: DocumentStatus,
  error?: string,
): Promise<Document> {
  let updated: Document | undefined;
  try {
    updated = await db
      .updateTable('documents')
      .set({
        status,
        error: status === 'failed' ? (error ?? 'indexing failed') : null,
        updated_at: new Date(),
      })
      .where('id', '=', documentId)
      .returningAll()
      .executeTakeFirst();
  } catch (cause) {
    throw toDatabaseError(cause, `setting document ${documentId} to ${status}`);
  }
  if (updated === undefined) {
    throw new PlatformError('not_found', `document ${documentId} does not exist`);
  }
  return updated;
}

export interface ChunkInput {
  ordinal: number;
  text: string;
  tokenCount: number;
  metadata?: JsonObject;
}

/** Rows per INSERT when replacing chunks: well under Postgres's 65 535 parameters. */
export const CHUNK_INSERT_BATCH_SIZE = 200;

/**
 * Replaces all chunks of a document and its `chunk_count`, all or nothing: if any insert
 * fails the document keeps its old chunks. Returns how many chunks it now has.
 */
export async function replaceDocumentChunks(
  db: Kysely<Database>,
  documentId: string,
  chunks: readonly ChunkInput[],
): Promise<number> {
  try {
    return await inTransaction(db, async (trx) => {
      // Locking the document row serializes two re-indexings of one document (Postgres).
      const document = await trx
        .selectFrom('documents')
        .select('id')
        .where('id', '=', documentId)
        .forUpdate()
        .executeTakeFirst();
      if (document === undefined) {
        throw new PlatformError('not_found', `document ${documentId} does not exist`);
      }
      await trx.deleteFrom('chunks').where('document_id', '=', documentId).execute();
      for (let start = 0; start < chunks.length; start += CHUNK_INSERT_BATCH_SIZE) {
        const batch = chunks.slice(start, start + CHUNK_INSERT_BATCH_SIZE);
        await trx
          .insertInto('chunks')
          .values(
            batch.map((chunk) => ({
              document_id: documentId,
              ordinal: chunk.ordinal,
              text: chunk.text,
              token_count: chunk.tokenCount,
              metadata: toJson(chunk.metadata ?? {}),
            })),
          )
          .execute();
      }
      await trx
        .updateTable('documents')
        .set({ chunk_count: chunks.length, updated_at: new Date() })
        .where('id', '=', documentId)
        .execute();
      return chunks.length;
    });
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new PlatformError(
        'invalid_input',
        `chunks of document ${documentId} repeat an ordinal; each ordinal must be unique`,
        { cause: error },
      );
    }
    throw toDatabaseError(error, `replacing the chunks of document ${documentId}`);
  }
}

/** A document's chunks in order. */
export async function listDocumentChunks(
  db: Kysely<Database>,
  documentId: string,
): Promise<Chunk[]> {
  return db
    .selectFrom('chunks')
    .selectAll()
    .where('document_id', '=', documentId)
    .orderBy('ordinal')
    .execute();
}
