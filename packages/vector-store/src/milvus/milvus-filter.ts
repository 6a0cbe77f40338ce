import type { ChunkFilter } from '../port.js';

/**
 * A Milvus string literal for `value`. Milvus unquotes double-quoted literals with Go's escape
 * rules, of which JSON's escapes are a subset, so JSON.stringify keeps a quote or backslash in
 * an owner id from ending the literal early (no expression injection).
 */
export function milvusString(value: string): string {
  return JSON.stringify(value);
}

/** `field in ["a", "b"]` with every value escaped. */
export function inExpression(field: string, values: readonly string[]): string {
  return `${field} in [${values.map(milvusString).join(', ')}]`;
}

/** The boolean expression for a chunk filter; '' when it selects everything. */
export function filterExpression(filter: ChunkFilter | undefined): string {
  if (!filter) return '';
  const clauses: string[] = [];
  if (filter.owner !== undefined) clauses.push(`owner == ${milvusString(filter.owner)}`);
  if (filter.documentId !== undefined) {
    clauses.push(
      typeof filter.documentId === 'string'
        ? `document_id == ${milvusString(filter.documentId)}`
        : inExpression('document_id', filter.documentId),
    );
  }
  return clauses.join(' and ');
}
