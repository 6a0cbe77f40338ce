/**
 * Knowledge library reads and deletions, always scoped to an owner: a user never reaches
 * another user's collections or documents through these (they answer `not_found`).
 */
import type { Kysely } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import { toDatabaseError } from '../database-errors.js';
import type { Collection, Database, Document } from '../schema.js';

export interface CollectionSummary extends Collection {
  document_count: number;
  indexing_count: number;
  chunk_count: number;
}

export async function findCollectionByName(
  db: Kysely<Database>,
  ownerId: string,
  name: string,
): Promise<Collection | undefined> {
  return db
    .selectFrom('collections')
    .selectAll()
    .where('owner_id', '=', ownerId)
    .where('name', '=', name)
    .executeTakeFirst();
}

/** Documents of a collection not yet searchable: how many, and the first few file names. */
export interface PendingDocuments {
  count: number;
  filenames: string[];
}

/**
 * A collection about to be searched, with its pending documents, in one round trip: a search
 * names the documents still indexing, and the lookup sits on every RAG turn's path.
 */
export async function findCollectionForSearch(
  db: Kysely<Database>,
  ownerId: string,
  name: string,
  sampleSize = 3,
): Promise<{ collection: Collection; pending: PendingDocuments } | undefined> {
  const row = await db
    .selectFrom('collections')
    .selectAll()
    .select([
      sql<string>`(select count(*) from documents d where d.collection_id = collections.id and d.status in ('queued', 'indexing'))`.as(
        'pending_count',
      ),
      sql<
        string[]
      >`array(select d.filename from documents d where d.collection_id = collections.id and d.status in ('queued', 'indexing') order by d.created_at limit ${sampleSize})`.as(
        'pending_filenames',
      ),
    ])
    .where('owner_id', '=', ownerId)
    .where('name', '=', name)
    .executeTakeFirst();
  if (!row) return undefined;
  const { pending_count: count, pending_filenames: filenames, ...collection } = row;
  return { collection, pending: { count: Number(count), filenames } };
}

/** The owner's collections with document and chunk counts, by name. */
export async function listCollectionSummaries(
  db: Kysely<Database>,
  ownerId: string,
): Promise<CollectionSummary[]> {
  const rows = await db
    .selectFrom('collections as c')
    .leftJoin('documents as d', 'd.collection_id', 'c.id')
    .selectAll('c')
    .select((eb) => [
      eb.fn.count<string>('d.id').as('document_count'),
      eb.fn
        .count<string>('d.id')
        .filterWhere('d.status', 'in', ['queued', 'indexing'])
        .as('indexing_count'),
      eb.fn.coalesce(eb.fn.sum<string>('d.chunk_count'), eb.lit(0)).as('chunk_count'),
    ])
    .where('c.owner_id', '=', ownerId)
    .groupBy('c.id')
    .orderBy('c.name')
    .execute();
  return rows.map((row) => ({
    ...row,
    document_count: Number(row.document_count),
    indexing_count: Number(row.indexing_count),
    chunk_count: Number(row.chunk_count),
  }));
}

/** The owner's document; `not_found` for a missing document or another owner's. */
export async function getOwnedDocument(
  db: Kysely<Database>,
  ownerId: string,
  documentId: string,
): Promise<Document> {
  if (!/^[0-9a-f-]{36}$/i.test(documentId)) {
    throw new PlatformError('not_found', `document ${documentId} does not exist`);
  }
  const document = await db
    .selectFrom('documents')
    .selectAll()
    .where('id', '=', documentId)
    .where('owner_id', '=', ownerId)
    .executeTakeFirst();
  if (document === undefined) {
    throw new PlatformError('not_found', `document ${documentId} does not exist`);
  }
  return document;
}

export async function getDocumentById(
  db: Kysely<Database>,
  documentId: string,
): Promise<Document | undefined> {
  return db.selectFrom('documents').selectAll().where('id', '=', documentId).executeTakeFirst();
}

export async function getCollectionById(
  db: Kysely<Database>,
  collectionId: string,
): Promise<Collection | undefined> {
  return db.selectFrom('collections').selectAll().where('id', '=', collectionId).executeTakeFirst();
}

export async function listCollectionDocuments(
  db: Kysely<Database>,
  collectionId: string,
): Promise<Document[]> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Deletes a document row and, by cascade, its chunks. */
export async function deleteDocumentRow(db: Kysely<Database>, documentId: string): Promise<void> {
  try {
    await db.deleteFrom('documents').where('id', '=', documentId).execute();
  } catch (error) {
    throw toDatabaseError(error, `deleting document ${documentId}`);
  }
}

/** A collection's document by file name (sources re-ingested by URL or path reuse their row). */
export async function findDocumentByFilename(
  db: Kysely<Database>,
  collectionId: string,
  filename: string,
): Promise<Document | undefined> {
  return db
    .selectFrom('documents')
    .selectAll()
    .where('collection_id', '=', collectionId)
    .where('filename', '=', filename)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
}

/** Puts a document back in the queue for re-indexing, with its new content's size and hash. */
export async function requeueDocument(
  db: Kysely<Database>,
  documentId: string,
  content: { sizeBytes: number; sha256: string; contentType: string; objectKey: string },
): Promise<void> {
  await db
    .updateTable('documents')
    .set({
      size_bytes: content.sizeBytes,
      sha256: content.sha256,
      content_type: content.contentType,
      object_key: content.objectKey,
      status: 'queued',
      error: null,
      updated_at: new Date(),
    })
    .where('id', '=', documentId)
    .execute();
}
