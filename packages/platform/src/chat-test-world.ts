/**
 * Test fixture for the chat handler tests: the platform's real chat adapters over a PGlite
 * metadata DB, the in-process session cache and an embedded LanceDB, with one user ("alice",
 * display name Alice) whose "manuals" collection holds a two-page Orion lamp manual, and her
 * companion "Orion support" searching it by default.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatKnowledge, ChatMemory } from '@homelab-ai/handlers';
import {
  createKnowledgeService,
  indexChunks,
  LEXICAL_ONLY_MODEL,
  vectorCollectionName,
} from '@homelab-ai/knowledge';
import {
  createCompanion,
  createDocument,
  createPgliteMetadataDb,
  findOrCreateBusUser,
  type MetadataDb,
} from '@homelab-ai/metadata-db';
import { createUnconfiguredEmbedder, createUnconfiguredReranker } from '@homelab-ai/models';
import { createFileObjectStore } from '@homelab-ai/object-store';
import { createMemorySessionCache } from '@homelab-ai/session-cache';
import { createEmbeddedVectorStore } from '@homelab-ai/vector-store/embedded';
import { createChatKnowledge } from './chat-knowledge.js';
import { createChatMemory } from './chat-memory.js';

export { listenToTurn } from '@homelab-ai/handlers/testing';

export interface ChatWorld {
  metadata: MetadataDb;
  memory: ChatMemory;
  knowledge: ChatKnowledge;
  aliceId: string;
  documentId: string;
  companionId: string;
  close(): Promise<void>;
}

export const ORION_PAGES = [
  'The Orion lamp ships with a braided cable and a walnut base.',
  'Warranty: every Orion lamp is covered for seven years from the date of purchase.',
];

export async function chatWorld(): Promise<ChatWorld> {
  const dataDir = await mkdtemp(join(tmpdir(), 'chat-world-'));
  const metadata = await createPgliteMetadataDb({ dataDir });
  const vectors = await createEmbeddedVectorStore({ dataDir: join(dataDir, 'vectors') });
  const cache = createMemorySessionCache();
  const embedder = createUnconfiguredEmbedder();
  const service = createKnowledgeService({
    openDb: () => Promise.resolve(metadata),
    openVectors: () => Promise.resolve(vectors),
    objects: createFileObjectStore({ rootDir: join(dataDir, 'objects') }),
    embedder,
    reranker: createUnconfiguredReranker(),
    requestIngestion: () => Promise.resolve(),
    maxUploadBytes: 1_000_000,
  });
  const { db } = metadata;
  const alice = await findOrCreateBusUser(db, 'alice', 'Alice');
  const collection = await service.createCollection(alice.id, 'manuals');
  const document = await createDocument(db, {
    collectionId: collection.id,
    ownerId: alice.id,
    filename: 'orion.pdf',
    contentType: 'application/pdf',
    sizeBytes: 1_000,
    sha256: '0'.repeat(64),
    objectKey: 'documents/orion.pdf',
  });
  await indexChunks({
    db,
    vectors,
    embedder,
    space: { model: LEXICAL_ONLY_MODEL, dimension: 1 },
    vectorCollection: vectorCollectionName(collection.id),
    document: { id: document.id, ownerId: alice.id, source: 'orion.pdf', previousChunkCount: 0 },
    chunks: ORION_PAGES.map((text, index) => ({
      ordinal: index,
      text,
      tokenCount: 16,
      headingPath: index === 0 ? ['Orion'] : ['Orion', 'Warranty'],
      page: index + 1,
    })),
  });
  await db
    .updateTable('documents')
    .set({ status: 'indexed', chunk_count: ORION_PAGES.length })
    .where('id', '=', document.id)
    .execute();
  const companion = await createCompanion(db, alice.id, {
    name: 'Orion support',
    avatar: null,
    systemPrompt: 'You are Orion support.',
    defaultCollection: collection.id,
    voice: null,
    isDefault: false,
  });
  return {
    metadata,
    memory: createChatMemory({ openDb: () => Promise.resolve(metadata), cache }),
    knowledge: createChatKnowledge(() => Promise.resolve(service)),
    aliceId: alice.id,
    documentId: document.id,
    companionId: companion.id,
    close: async () => {
      await cache.close();
      await vectors.close();
      await metadata.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
