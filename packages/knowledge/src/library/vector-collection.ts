/**
 * How a user's collection maps to a VectorStore collection: one per collection, named from its
 * id (Milvus's naming rule: letters, digits, underscores), with the embedding model's dimension.
 * With no embedding model, a collection holds one-dimensional zero vectors and is searched
 * lexically only.
 */
import type { Embedder } from '@homelab-ai/models';

export const LEXICAL_ONLY_MODEL = 'none';

export function vectorCollectionName(collectionId: string): string {
  return `kc_${collectionId.replace(/-/g, '')}`;
}

export interface EmbeddingSpace {
  /** `none` when there is no embedding model. */
  model: string;
  dimension: number;
}

/** The space the current embedder writes into; asks the model once if it has not said. */
export async function currentEmbeddingSpace(embedder: Embedder): Promise<EmbeddingSpace> {
  if (embedder.adapter === 'none') return { model: LEXICAL_ONLY_MODEL, dimension: 1 };
  let dimension = embedder.dimensions;
  if (dimension === undefined) {
    const [probe] = await embedder.embed({ texts: ['dimension probe'] });
    dimension = probe?.length ?? 0;
  }
  return { model: `${embedder.adapter}:${embedder.modelName}`, dimension };
}
