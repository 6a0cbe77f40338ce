/**
 * The VectorStore port: collections of chunk embeddings with the metadata retrieval and
 * citations need, searched by vector (top-k, filters) and by text (BM25) for hybrid retrieval.
 * Adapters: an embedded on-disk store (what `npm start` uses) and Milvus.
 */
import type { PortHealth } from '@homelab-ai/contracts';

export type VectorMetric = 'cosine' | 'l2' | 'ip';

export interface VectorCollectionSpec {
  /** Letters, digits and underscores, starting with a letter (Milvus's rule), at most 128. */
  name: string;
  dimension: number;
  metric: VectorMetric;
}

export type MetadataValue = string | number | boolean;

export interface ChunkRecord {
  id: string;
  vector: Float32Array | readonly number[];
  /** The passage itself: returned with hits and indexed for full-text search. */
  text: string;
  /** The user who owns the chunk (isolation between users). */
  owner: string;
  documentId: string;
  /** Citation data, e.g. source, page, heading path. */
  metadata?: Readonly<Record<string, MetadataValue>>;
}

export interface ChunkFilter {
  owner?: string;
  documentId?: string | readonly string[];
}

export interface SearchOptions {
  topK: number;
  filter?: ChunkFilter;
}

export interface ChunkHit {
  id: string;
  /** Higher is better: cosine similarity, negative L2 distance, inner product, or BM25 score. */
  score: number;
  text: string;
  owner: string;
  documentId: string;
  metadata: Record<string, MetadataValue>;
}

export interface VectorStore {
  /** `embedded`, `milvus`, … */
  readonly adapter: string;
  /** Creates the collection, or does nothing if it exists with the same dimension and metric. */
  createCollection(spec: VectorCollectionSpec): Promise<void>;
  dropCollection(name: string): Promise<void>;
  listCollections(): Promise<VectorCollectionSpec[]>;
  /** Inserts or replaces records by id; a vector of the wrong dimension is an `invalid_input` error. */
  upsert(collection: string, records: readonly ChunkRecord[]): Promise<void>;
  /** Deletes by ids or by filter (e.g. one document's chunks); returns how many went. */
  delete(
    collection: string,
    selector: { ids: readonly string[] } | { filter: ChunkFilter },
  ): Promise<number>;
  /** Nearest neighbours of `vector`, best first. */
  search(
    collection: string,
    vector: Float32Array | readonly number[],
    options: SearchOptions,
  ): Promise<ChunkHit[]>;
  /** Full-text (BM25) search, best first. */
  searchText(collection: string, query: string, options: SearchOptions): Promise<ChunkHit[]>;
  health(): Promise<PortHealth>;
  close(): Promise<void>;
}
