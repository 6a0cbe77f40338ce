/** Validation of what the port receives, and conversion between port records and Milvus rows. */
import { PlatformError } from '@homelab-ai/contracts';
import type { RowData } from '@zilliz/milvus2-sdk-node';
import type {
  ChunkHit,
  ChunkRecord,
  MetadataValue,
  VectorCollectionSpec,
  VectorMetric,
} from '../port.js';
import { FIELD, MAX_DIMENSION, MAX_ID_BYTES, MAX_TEXT_BYTES } from './milvus-schema.js';

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];
/** Milvus's cap on topK. */
export const MAX_TOP_K = 16_384;

/** Rejects a collection spec Milvus would refuse, naming the field. */
export function validateSpec(spec: VectorCollectionSpec): void {
  if (!COLLECTION_NAME.test(spec.name)) {
    throw new PlatformError(
      'invalid_input',
      `collection name ${JSON.stringify(spec.name)} must be letters, digits and underscores, start with a letter, at most 128`,
    );
  }
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION) {
    throw new PlatformError(
      'invalid_input',
      `dimension ${spec.dimension} of ${spec.name} must be an integer from 1 to ${MAX_DIMENSION}`,
    );
  }
  if (!METRICS.includes(spec.metric)) {
    throw new PlatformError(
      'invalid_input',
      `metric ${String(spec.metric)} of ${spec.name} must be one of ${METRICS.join(', ')}`,
    );
  }
}

/** Rejects a topK that is not an integer from 1 to Milvus's cap. */
export function validateTopK(topK: number): void {
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new PlatformError(
      'invalid_input',
      `topK ${topK} must be an integer from 1 to ${MAX_TOP_K}`,
    );
  }
}

function checkLength(what: string, value: string, maxBytes: number): void {
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes) {
    throw new PlatformError(
      'invalid_input',
      `${what} is ${bytes} bytes; Milvus stores at most ${maxBytes}`,
    );
  }
}

/** Rejects a record whose vector or fields do not fit the collection. */
export function validateRecord(
  record: ChunkRecord,
  index: number,
  spec: VectorCollectionSpec,
  what = `record ${index} (${JSON.stringify(record.id)})`,
): void {
  if (record.vector.length !== spec.dimension) {
    throw new PlatformError(
      'invalid_input',
      `${what} has a vector of dimension ${record.vector.length}; collection ${spec.name} has dimension ${spec.dimension}`,
    );
  }
  for (const component of record.vector) {
    if (!Number.isFinite(component)) {
      throw new PlatformError(
        'invalid_input',
        `${what} has a vector component that is not a finite number`,
      );
    }
  }
  if (what.startsWith('query')) return;
  if (record.id === '') throw new PlatformError('invalid_input', `${what} has an empty id`);
  checkLength(`id of ${what}`, record.id, MAX_ID_BYTES);
  checkLength(`text of ${what}`, record.text, MAX_TEXT_BYTES);
  checkLength(`owner of ${what}`, record.owner, MAX_ID_BYTES);
  checkLength(`documentId of ${what}`, record.documentId, MAX_ID_BYTES);
}

/** The Milvus row for a record (text_sparse is computed by the BM25 function). */
export function toRow(record: ChunkRecord): RowData {
  return {
    [FIELD.id]: record.id,
    [FIELD.vector]: Array.from(record.vector),
    [FIELD.text]: record.text,
    [FIELD.owner]: record.owner,
    [FIELD.documentId]: record.documentId,
    [FIELD.metadata]: { ...(record.metadata ?? {}) },
  };
}

/**
 * Milvus's raw score as the port's "higher is better": COSINE and IP similarities and BM25
 * scores already are; L2 comes back as the squared distance, so it becomes -√d.
 */
export function portScore(raw: number, metric: VectorMetric | 'bm25'): number {
  return metric === 'l2' ? -Math.sqrt(Math.max(0, raw)) : raw;
}

function metadataOf(value: unknown): Record<string, MetadataValue> {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const metadata: Record<string, MetadataValue> = {};
  if (parsed && typeof parsed === 'object') {
    for (const [key, entry] of Object.entries(parsed)) {
      if (typeof entry === 'string' || typeof entry === 'number' || typeof entry === 'boolean')
        metadata[key] = entry;
    }
  }
  return metadata;
}

function asString(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/** A search result row as a ChunkHit. */
export function toChunkHit(row: Record<string, unknown>, metric: VectorMetric | 'bm25'): ChunkHit {
  return {
    id: asString(row[FIELD.id]),
    score: portScore(Number(row['score']), metric),
    text: asString(row[FIELD.text]),
    owner: asString(row[FIELD.owner]),
    documentId: asString(row[FIELD.documentId]),
    metadata: metadataOf(row[FIELD.metadata]),
  };
}
