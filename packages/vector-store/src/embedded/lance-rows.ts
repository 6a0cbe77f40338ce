/**
 * How the port's collections and chunks map onto LanceDB tables: the Arrow schema (dimension and
 * metric kept in its metadata, so a reopened store knows them), validation of what callers pass,
 * rows in and hits out, and filters as Lance SQL predicates.
 */
import { Field, FixedSizeList, Float32, Schema, Utf8 } from 'apache-arrow';
import { PlatformError } from '@homelab-ai/contracts';
import type {
  ChunkFilter,
  ChunkHit,
  ChunkRecord,
  MetadataValue,
  SearchOptions,
  VectorCollectionSpec,
  VectorMetric,
} from '../port.js';

const COLLECTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,127}$/;
const METRICS: readonly VectorMetric[] = ['cosine', 'l2', 'ip'];
const MAX_DIMENSION = 32_768;
const MAX_TOP_K = 16_384;

/** Array.isArray without narrowing the caller's typed value to any[]. */
export const isArray = (value: unknown): boolean => Array.isArray(value);

/** The columns of every collection table; snake_case because Lance SQL folds identifiers. */
export const COLUMNS = ['id', 'vector', 'text', 'owner', 'document_id', 'metadata'] as const;

/** One stored row, as LanceDB reads and writes it. */
export type ChunkRow = {
  id: string;
  vector: number[];
  text: string;
  owner: string;
  document_id: string;
  metadata: string;
};

/** Throws `invalid_input` unless `name` is a usable collection name. */
export function checkCollectionName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name))
    throw new PlatformError(
      'invalid_input',
      `collection name ${JSON.stringify(name)} must be letters, digits and underscores, start with a letter, at most 128`,
    );
}

/** Throws `invalid_input` unless the spec names a valid collection, dimension and metric. */
export function checkCollectionSpec(spec: VectorCollectionSpec): void {
  checkCollectionName(spec.name);
  if (!Number.isInteger(spec.dimension) || spec.dimension < 1 || spec.dimension > MAX_DIMENSION)
    throw new PlatformError(
      'invalid_input',
      `collection ${spec.name}: dimension ${String(spec.dimension)} must be an integer from 1 to ${MAX_DIMENSION}`,
    );
  if (!METRICS.includes(spec.metric))
    throw new PlatformError(
      'invalid_input',
      `collection ${spec.name}: metric ${JSON.stringify(spec.metric)} must be one of ${METRICS.join(', ')}`,
    );
}

/** The Arrow schema of a collection's table, its dimension and metric in the metadata. */
export function tableSchema(spec: VectorCollectionSpec): Schema {
  const text = (name: string) => new Field(name, new Utf8(), false);
  return new Schema(
    [
      text('id'),
      new Field(
        'vector',
        new FixedSizeList(spec.dimension, new Field('item', new Float32(), true)),
        false,
      ),
      text('text'),
      text('owner'),
      text('document_id'),
      text('metadata'),
    ],
    new Map([
      ['homelab.metric', spec.metric],
      ['homelab.dimension', String(spec.dimension)],
    ]),
  );
}

/** Reads a collection spec back from its table's schema. */
export function specFromSchema(name: string, schema: Schema): VectorCollectionSpec {
  const metric = schema.metadata.get('homelab.metric') as VectorMetric | undefined;
  const dimension = Number(schema.metadata.get('homelab.dimension'));
  if (!metric || !METRICS.includes(metric) || !Number.isInteger(dimension))
    throw new PlatformError(
      'internal',
      `table ${name} in the embedded vector store has no collection metadata; was it written by another program?`,
    );
  return { name, dimension, metric };
}

/** Throws `invalid_input` unless `vector` has `dimension` finite numbers. */
export function checkVector(
  collection: VectorCollectionSpec,
  vector: Float32Array | readonly number[],
  what: string,
): void {
  if (!(vector instanceof Float32Array) && !isArray(vector))
    throw new PlatformError('invalid_input', `${what}: vector must be an array of numbers`);
  if (vector.length !== collection.dimension)
    throw new PlatformError(
      'invalid_input',
      `${what}: vector has dimension ${vector.length}, collection ${collection.name} expects ${collection.dimension}`,
    );
  for (const value of vector)
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new PlatformError(
        'invalid_input',
        `${what}: vector holds ${String(value)}, every component must be a finite number`,
      );
}

function checkMetadata(metadata: unknown, what: string): void {
  if (metadata === undefined) return;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata))
    throw new PlatformError('invalid_input', `${what}: metadata must be an object`);
  for (const [key, value] of Object.entries(metadata))
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw new PlatformError(
        'invalid_input',
        `${what}: metadata.${key} must be a string, number or boolean, got ${typeof value}`,
      );
}

/**
 * Validates a batch and turns it into rows; a later record with the same id wins, as if the
 * records had been upserted one after another.
 */
export function toRows(
  collection: VectorCollectionSpec,
  records: readonly ChunkRecord[],
): ChunkRow[] {
  if (!isArray(records))
    throw new PlatformError(
      'invalid_input',
      `upsert into ${collection.name}: records must be an array`,
    );
  const rows = new Map<string, ChunkRow>();
  records.forEach((record, index) => {
    const what = `upsert into ${collection.name}, record ${index} (id ${JSON.stringify(record?.id)})`;
    if (typeof record?.id !== 'string' || record.id.length === 0)
      throw new PlatformError('invalid_input', `${what}: id must be a non-empty string`);
    for (const field of ['text', 'owner', 'documentId'] as const)
      if (typeof record[field] !== 'string')
        throw new PlatformError('invalid_input', `${what}: ${field} must be a string`);
    checkVector(collection, record.vector, what);
    checkMetadata(record.metadata, what);
    rows.delete(record.id);
    rows.set(record.id, {
      id: record.id,
      vector: Array.from(record.vector),
      text: record.text,
      owner: record.owner,
      document_id: record.documentId,
      metadata: JSON.stringify(record.metadata ?? {}),
    });
  });
  return [...rows.values()];
}

/** Throws `invalid_input` unless `topK` is a positive integer within bounds. */
export function checkSearchOptions(collection: string, options: SearchOptions): void {
  const topK = options?.topK;
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K)
    throw new PlatformError(
      'invalid_input',
      `search in ${collection}: topK ${String(topK)} must be an integer from 1 to ${MAX_TOP_K}`,
    );
}

/** A string literal for Lance SQL. */
function quote(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `IN (…)` over literals, or a predicate that matches nothing for an empty list. */
export function inList(column: string, values: readonly string[]): string {
  return values.length === 0 ? 'FALSE' : `${column} IN (${values.map(quote).join(', ')})`;
}

/** The Lance SQL predicate for a filter, or undefined when it selects everything. */
export function filterPredicate(filter: ChunkFilter | undefined): string | undefined {
  if (!filter) return undefined;
  const clauses: string[] = [];
  if (filter.owner !== undefined) {
    if (typeof filter.owner !== 'string')
      throw new PlatformError('invalid_input', 'filter.owner must be a string');
    clauses.push(`owner = ${quote(filter.owner)}`);
  }
  if (filter.documentId !== undefined) {
    const ids: readonly unknown[] =
      typeof filter.documentId === 'string' ? [filter.documentId] : filter.documentId;
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string'))
      throw new PlatformError(
        'invalid_input',
        'filter.documentId must be a string or an array of strings',
      );
    clauses.push(inList('document_id', ids as string[]));
  }
  return clauses.length ? clauses.join(' AND ') : undefined;
}

/** The port's "higher is better" score for a Lance vector distance. */
export function vectorScore(distance: number, metric: VectorMetric): number {
  // Lance's cosine and dot distances are 1 − similarity; its l2 is the squared distance.
  return metric === 'l2' ? -Math.sqrt(Math.max(0, distance)) : 1 - distance;
}

/** A hit for the port from a row LanceDB returned. */
export function toHit(row: Record<string, unknown>, score: number): ChunkHit {
  return {
    id: String(row['id']),
    score,
    text: String(row['text']),
    owner: String(row['owner']),
    documentId: String(row['document_id']),
    metadata: JSON.parse(typeof row['metadata'] === 'string' ? row['metadata'] : '{}') as Record<
      string,
      MetadataValue
    >,
  };
}

/** The Lance predicate a delete selects rows by; an empty filter is refused. */
export function deletePredicate(
  collection: string,
  selector: { ids: readonly string[] } | { filter: ChunkFilter },
): string {
  if (selector && 'ids' in selector) {
    if (!isArray(selector.ids) || selector.ids.some((id) => typeof id !== 'string'))
      throw new PlatformError(
        'invalid_input',
        `delete from ${collection}: ids must be an array of strings`,
      );
    return inList('id', selector.ids);
  }
  const predicate = filterPredicate(selector?.filter);
  if (!predicate)
    throw new PlatformError(
      'invalid_input',
      `delete from ${collection}: the filter needs owner or documentId (an empty filter would delete everything)`,
    );
  return predicate;
}
