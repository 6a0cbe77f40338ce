/** A retrieved passage with what a citation needs. */
import type { ChunkHit, MetadataValue } from '@homelab-ai/vector-store';

export interface Passage {
  chunkId: string;
  documentId: string;
  text: string;
  /** Fused (or reranker) score: higher is better, comparable within one search only. */
  score: number;
  /** File name or URL the passage came from. */
  source: string;
  page?: number;
  headingPath: string[];
  /** Which halves found it: `vector`, `lexical`, or both. */
  matchedBy: ('vector' | 'lexical')[];
  rerankScore?: number;
}

function asString(value: MetadataValue | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function toPassage(hit: ChunkHit, score: number, matchedBy: Passage['matchedBy']): Passage {
  const { metadata } = hit;
  const headingPath = asString(metadata.heading_path);
  const page = metadata.page;
  return {
    chunkId: hit.id,
    documentId: hit.documentId,
    text: hit.text,
    score,
    source: asString(metadata.source) ?? hit.documentId,
    ...(typeof page === 'number' && page > 0 ? { page } : {}),
    headingPath: headingPath ? headingPath.split(' > ') : [],
    matchedBy,
  };
}
