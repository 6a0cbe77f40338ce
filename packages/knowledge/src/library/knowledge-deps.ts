/** The ports the knowledge library works on, opened lazily where the platform opens them so. */
import type { MetadataDb } from '@homelab-ai/metadata-db';
import type { Embedder, Reranker } from '@homelab-ai/models';
import type { ObjectStore } from '@homelab-ai/object-store';
import type { VectorStore } from '@homelab-ai/vector-store';

export interface KnowledgeDeps {
  openDb(): Promise<MetadataDb>;
  openVectors(): Promise<VectorStore>;
  objects: ObjectStore;
  embedder: Embedder;
  reranker: Reranker;
}
