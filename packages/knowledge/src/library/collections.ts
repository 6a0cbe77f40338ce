/**
 * Creating a user's collection: a metadata row and its VectorStore collection in the space of
 * the current embedding model (one-dimensional when there is none: lexical search only).
 */
import type { Kysely } from 'kysely';
import {
  createCollection,
  findCollectionByName,
  type Collection,
  type Database,
} from '@homelab-ai/metadata-db';
import type { Embedder } from '@homelab-ai/models';
import type { VectorStore } from '@homelab-ai/vector-store';
import { checkCollectionName } from './collection-name.js';
import { currentEmbeddingSpace, vectorCollectionName } from './vector-collection.js';

export interface CollectionPorts {
  db: Kysely<Database>;
  vectors: VectorStore;
  embedder: Embedder;
}

export async function createUserCollection(
  ports: CollectionPorts,
  ownerId: string,
  name: string,
): Promise<Collection> {
  const space = await currentEmbeddingSpace(ports.embedder);
  const collection = await createCollection(ports.db, {
    ownerId,
    name: checkCollectionName(name),
    embeddingModel: space.model,
    dimension: space.dimension,
  });
  await ports.vectors.createCollection({
    name: vectorCollectionName(collection.id),
    dimension: space.dimension,
    metric: 'cosine',
  });
  return collection;
}

/** The owner's collection by that name, created if there is none. */
export async function ensureUserCollection(
  ports: CollectionPorts,
  ownerId: string,
  name: string,
): Promise<Collection> {
  const existing = await findCollectionByName(ports.db, ownerId, checkCollectionName(name));
  if (existing) {
    // Idempotent: repairs a VectorStore collection lost with an embedded data folder.
    await ports.vectors.createCollection({
      name: vectorCollectionName(existing.id),
      dimension: existing.dimension,
      metric: 'cosine',
    });
    return existing;
  }
  return createUserCollection(ports, ownerId, name);
}
