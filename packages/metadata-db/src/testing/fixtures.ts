/** Test data and assertions shared by the metadata-db tests. */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import type { Database, Document, User } from '../schema.js';
import { createCollection, createDocument, type ChunkInput } from '../repository/documents.js';
import { createUser } from '../repository/users.js';

/** An `assert.rejects` check: a PlatformError with this code (and message). */
export function hasCode(code: PlatformError['code'], message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

/** `count` chunks with ordinals 0…count-1 and texts "<prefix> <ordinal>". */
export function chunks(count: number, prefix: string): ChunkInput[] {
  return Array.from({ length: count }, (_, ordinal) => ({
    ordinal,
    text: `${prefix} ${ordinal}`,
    tokenCount: 3,
    metadata: { page: ordinal + 1 },
  }));
}

/** A user with a unique email. */
export function newUser(db: Kysely<Database>, label = 'user'): Promise<User> {
  return createUser(db, { email: `${label}-${randomUUID()}@example.test`, displayName: label });
}

/** A queued document in a new collection of `owner`. */
export async function newDocument(db: Kysely<Database>, owner: User): Promise<Document> {
  const collection = await createCollection(db, {
    ownerId: owner.id,
    name: `docs-${randomUUID()}`,
    embeddingModel: 'bge-small-en-v1.5',
    dimension: 384,
  });
  return createDocument(db, {
    collectionId: collection.id,
    ownerId: owner.id,
    filename: 'handbook.pdf',
    contentType: 'application/pdf',
    sizeBytes: 5_000_000_000, // past 2^32: a bigint column, still read as a JS number
    sha256: 'ab'.repeat(32),
    objectKey: `documents/${randomUUID()}`,
  });
}

/** The document's recorded `chunk_count`. */
export async function chunkCount(db: Kysely<Database>, documentId: string): Promise<number> {
  const row = await db
    .selectFrom('documents')
    .select('chunk_count')
    .where('id', '=', documentId)
    .executeTakeFirstOrThrow();
  return row.chunk_count;
}
