/**
 * What a VectorStore collection looks like in Milvus: the fields, the BM25 function that feeds
 * full-text search, and the indexes. Kept apart from the adapter so the layout reads in one place.
 */
import { DataType, FunctionType } from '@zilliz/milvus2-sdk-node';
import type {
  CreateCollectionReq,
  CreateIndexSimpleReq,
  FieldType,
} from '@zilliz/milvus2-sdk-node';
import type { VectorCollectionSpec, VectorMetric } from '../port.js';

export const FIELD = {
  id: 'id',
  vector: 'vector',
  text: 'text',
  textSparse: 'text_sparse',
  owner: 'owner',
  documentId: 'document_id',
  metadata: 'metadata',
} as const;

/** The fields a hit carries back. */
export const OUTPUT_FIELDS = [FIELD.id, FIELD.text, FIELD.owner, FIELD.documentId, FIELD.metadata];

/** VarChar limits, in bytes (Milvus counts UTF-8 bytes). */
export const MAX_ID_BYTES = 512;
export const MAX_TEXT_BYTES = 65_535;
/** Milvus's largest FloatVector dimension. */
export const MAX_DIMENSION = 32_768;

const METRIC_NAMES: Record<VectorMetric, string> = { cosine: 'COSINE', l2: 'L2', ip: 'IP' };

/** `COSINE`, `L2` or `IP` for a port metric. */
export function milvusMetric(metric: VectorMetric): string {
  return METRIC_NAMES[metric];
}

/** The port metric for Milvus's metric name, or undefined for one the port does not know. */
export function portMetric(milvusName: string | undefined): VectorMetric | undefined {
  const entry = Object.entries(METRIC_NAMES).find(([, name]) => name === milvusName?.toUpperCase());
  return entry?.[0] as VectorMetric | undefined;
}

/** The CreateCollection request: BM25 fields and function only when the server has them (2.5+). */
export function collectionRequest(
  spec: VectorCollectionSpec,
  fullText: boolean,
): CreateCollectionReq {
  const fields: FieldType[] = [
    {
      name: FIELD.id,
      data_type: DataType.VarChar,
      is_primary_key: true,
      autoID: false,
      max_length: MAX_ID_BYTES,
    },
    { name: FIELD.vector, data_type: DataType.FloatVector, dim: spec.dimension },
    {
      name: FIELD.text,
      data_type: DataType.VarChar,
      max_length: MAX_TEXT_BYTES,
      // The analyzer tokenises the text for the BM25 function (standard analyzer by default).
      ...(fullText ? { enable_analyzer: true } : {}),
    },
    { name: FIELD.owner, data_type: DataType.VarChar, max_length: MAX_ID_BYTES },
    { name: FIELD.documentId, data_type: DataType.VarChar, max_length: MAX_ID_BYTES },
    { name: FIELD.metadata, data_type: DataType.JSON },
  ];
  if (fullText) fields.push({ name: FIELD.textSparse, data_type: DataType.SparseFloatVector });
  return {
    collection_name: spec.name,
    fields,
    // Reads see every write that returned before them, as the port's callers expect.
    consistency_level: 'Strong',
    enable_dynamic_field: false,
    ...(fullText
      ? {
          functions: [
            {
              name: 'text_bm25',
              description: 'BM25 sparse vector of text for full-text search',
              type: FunctionType.BM25,
              input_field_names: [FIELD.text],
              output_field_names: [FIELD.textSparse],
              params: {},
            },
          ],
        }
      : {}),
  };
}

/** The indexes: HNSW on the vector with the spec's metric, and the BM25 inverted index. */
export function indexRequests(
  spec: VectorCollectionSpec,
  fullText: boolean,
): CreateIndexSimpleReq[] {
  const indexes: CreateIndexSimpleReq[] = [
    {
      collection_name: spec.name,
      field_name: FIELD.vector,
      index_name: 'vector_hnsw',
      index_type: 'HNSW',
      metric_type: milvusMetric(spec.metric),
      params: { M: 16, efConstruction: 200 },
    },
  ];
  if (fullText) {
    indexes.push({
      collection_name: spec.name,
      field_name: FIELD.textSparse,
      index_name: 'text_bm25',
      index_type: 'SPARSE_INVERTED_INDEX',
      metric_type: 'BM25',
      params: { inverted_index_algo: 'DAAT_MAXSCORE' },
    });
  }
  return indexes;
}

/** Whether a Milvus version string (`v2.5.4`, `2.6.0-rc1`) has BM25 full-text search. */
export function supportsFullText(version: string): boolean {
  const match = /(\d+)\.(\d+)/.exec(version);
  if (!match) return false;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  return major > 2 || (major === 2 && minor >= 5);
}
