/**
 * A resident copy of a small collection: its rows in memory, searched exactly (every vector
 * scored, as Lance does below the size that gets an HNSW index) and by BM25 (MiniSearch over the
 * same analyzer as Lance's). Lance stays the store of record; this copy is loaded from it and
 * follows every write, and it answers a search in well under a millisecond where a Lance query
 * costs several (query planning and its thread pool, whatever the table size).
 */
import MiniSearch from 'minisearch';
import type { ChunkFilter, ChunkHit, VectorMetric } from '../port.js';
import { toHit, type ChunkRow } from './lance-rows.js';
import { toTerm, tokenize } from './resident-text.js';

/** A row as Lance stores it (so that Lance's `toHit` reads it), with its vector ready. */
type ResidentRow = {
  id: string;
  text: string;
  owner: string;
  document_id: string;
  metadata: string;
  vector: Float32Array;
  /** Euclidean norm of the vector, for cosine. */
  norm: number;
};

/** Plain BM25 with Lance's parameters (MiniSearch defaults to BM25+, d = 0.5). */
const BM25 = { k: 1.2, b: 0.75, d: 0 };

function norm(vector: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < vector.length; index++) sum += vector[index]! * vector[index]!;
  return Math.sqrt(sum);
}

/** Whether a row passes a filter (validated before, by the Lance predicate builder). */
function passes(row: ResidentRow, filter: ChunkFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.owner !== undefined && row.owner !== filter.owner) return false;
  const ids = filter.documentId;
  if (ids === undefined) return true;
  return typeof ids === 'string' ? row.document_id === ids : ids.includes(row.document_id);
}

/**
 * The best `size` items offered, best first, kept in a small sorted array as they come: no
 * object per candidate and no sort of all of them (a collection has thousands of rows, a search
 * asks for ten).
 */
class TopK<T> {
  readonly items: T[] = [];
  readonly scores: number[] = [];

  constructor(private readonly size: number) {}

  /** Whether a candidate with this score would be kept. */
  admits(score: number): boolean {
    return (
      this.size > 0 && (this.items.length < this.size || score > (this.scores.at(-1) ?? -Infinity))
    );
  }

  offer(item: T, score: number): void {
    if (!this.admits(score)) return;
    let at = this.scores.length;
    while (at > 0 && (this.scores[at - 1] ?? -Infinity) < score) at--;
    this.items.splice(at, 0, item);
    this.scores.splice(at, 0, score);
    if (this.items.length > this.size) {
      this.items.pop();
      this.scores.pop();
    }
  }
}

export class ResidentCollection {
  private readonly rows = new Map<string, ResidentRow>();
  private readonly text = new MiniSearch<{ id: string; text: string }>({
    fields: ['text'],
    tokenize,
    processTerm: toTerm,
    searchOptions: { bm25: BM25 },
  });

  constructor(private readonly metric: VectorMetric) {}

  get size(): number {
    return this.rows.size;
  }

  /** Adds rows, replacing those with the same id. */
  put(rows: readonly (ChunkRow | Record<string, unknown>)[]): void {
    for (const raw of rows) {
      const row = residentRow(raw);
      if (this.rows.has(row.id)) this.text.discard(row.id);
      this.rows.set(row.id, row);
      this.text.add({ id: row.id, text: row.text });
    }
  }

  /** Removes the rows with these ids. */
  removeIds(ids: readonly string[]): void {
    for (const id of ids) {
      if (this.rows.delete(id)) this.text.discard(id);
    }
  }

  /** Removes the rows a filter selects. */
  removeWhere(filter: ChunkFilter): void {
    this.removeIds([...this.rows.values()].filter((row) => passes(row, filter)).map((r) => r.id));
  }

  /** Exact nearest neighbours, scored as the port's Lance search scores them. */
  search(query: Float32Array, topK: number, filter?: ChunkFilter): ChunkHit[] {
    const queryNorm = norm(query);
    const kept = new TopK<ResidentRow>(topK);
    for (const row of this.rows.values()) {
      if (passes(row, filter)) kept.offer(row, this.score(query, queryNorm, row));
    }
    return kept.items.map((row, index) => toHit(row, kept.scores[index] ?? 0));
  }

  /** BM25 over the text, any query term matching. */
  searchText(query: string, topK: number, filter?: ChunkFilter): ChunkHit[] {
    const kept = new TopK<ResidentRow>(topK);
    const results = this.text.search(
      query,
      filter ? { filter: (result) => this.passes(result.id, filter) } : {},
    );
    for (const result of results) {
      if (!kept.admits(result.score)) continue;
      const row = this.rows.get(String(result.id));
      if (row) kept.offer(row, result.score);
    }
    return kept.items.map((row, index) => toHit(row, kept.scores[index] ?? 0));
  }

  private passes(id: unknown, filter: ChunkFilter): boolean {
    const row = this.rows.get(String(id));
    return row !== undefined && passes(row, filter);
  }

  private score(query: Float32Array, queryNorm: number, row: ResidentRow): number {
    const vector = row.vector;
    if (this.metric === 'l2') {
      let sum = 0;
      for (let index = 0; index < vector.length; index++) {
        const difference = query[index]! - vector[index]!;
        sum += difference * difference;
      }
      return -Math.sqrt(sum);
    }
    let dot = 0;
    for (let index = 0; index < vector.length; index++) dot += query[index]! * vector[index]!;
    if (this.metric === 'ip') return dot;
    const norms = queryNorm * row.norm;
    return norms === 0 ? 0 : dot / norms;
  }
}

/** A row as written (ChunkRow) or as read back from Lance (vector as an Arrow list). */
function residentRow(raw: ChunkRow | Record<string, unknown>): ResidentRow {
  const source = raw['vector'] as Iterable<number> | { toArray(): ArrayLike<number> };
  const vector = Float32Array.from(
    Symbol.iterator in source ? source : Array.from(source.toArray()),
  );
  return {
    id: String(raw['id']),
    text: String(raw['text']),
    owner: String(raw['owner']),
    document_id: String(raw['document_id']),
    metadata: typeof raw['metadata'] === 'string' ? raw['metadata'] : '{}',
    vector,
    norm: norm(vector),
  };
}
