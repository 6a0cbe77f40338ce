import { PlatformError } from '@homelab-ai/contracts';
import type { MilvusClient } from '@zilliz/milvus2-sdk-node';
import type { VectorCollectionSpec } from '../port.js';
import { checkStatus } from './milvus-errors.js';
import { FIELD, portMetric } from './milvus-schema.js';

/** What the adapter needs to know of a collection it did not just create. */
export interface CollectionInfo {
  spec: VectorCollectionSpec;
  /** Whether it has the BM25 field (made on Milvus 2.5+). */
  fullText: boolean;
}

/**
 * Reads a collection's spec back from Milvus: the dimension from the vector field, the metric
 * from its index. `missing` when there is no such collection, `foreign` when another tool made it.
 */
export async function describeCollection(
  client: MilvusClient,
  name: string,
): Promise<CollectionInfo | 'missing' | 'foreign'> {
  const described = await client.describeCollection({ collection_name: name });
  try {
    checkStatus(described.status, `describe collection ${name}`);
  } catch (error) {
    if (error instanceof PlatformError && error.code === 'not_found') return 'missing';
    throw error;
  }
  const vectorField = described.schema.fields.find((field) => field.name === FIELD.vector);
  if (!vectorField) return 'foreign';
  const dimension = Number(
    vectorField.dim ?? vectorField.type_params.find((param) => param.key === 'dim')?.value,
  );
  const indexes = await client.describeIndex({ collection_name: name, field_name: FIELD.vector });
  checkStatus(indexes.status, `describe the index of ${name}`);
  const metricName = indexes.index_descriptions?.[0]?.params.find(
    (param) => param.key === 'metric_type',
  )?.value;
  const metric = portMetric(typeof metricName === 'string' ? metricName : undefined);
  if (!Number.isInteger(dimension) || !metric) return 'foreign';
  const fullText = described.schema.fields.some((field) => field.name === FIELD.textSparse);
  return { spec: { name, dimension, metric }, fullText };
}
