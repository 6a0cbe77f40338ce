/**
 * Reciprocal rank fusion: merges ranked lists (here BM25 and vector hits) by summing
 * 1 / (k + rank) per item, so neither list's raw scores need to be comparable.
 */
export interface RankedItem {
  id: string;
}

export interface FusedItem<T extends RankedItem> {
  item: T;
  score: number;
  /** Rank (1-based) in each input list where the item appeared. */
  ranks: (number | undefined)[];
}

/** k = 60 is the constant of the original RRF paper (Cormack et al., 2009). */
export function reciprocalRankFusion<T extends RankedItem>(
  lists: readonly (readonly T[])[],
  k = 60,
): FusedItem<T>[] {
  const fused = new Map<string, FusedItem<T>>();
  lists.forEach((list, listIndex) => {
    list.forEach((item, position) => {
      const entry = fused.get(item.id) ?? {
        item,
        score: 0,
        ranks: lists.map(() => undefined),
      };
      entry.score += 1 / (k + position + 1);
      entry.ranks[listIndex] = position + 1;
      fused.set(item.id, entry);
    });
  });
  return [...fused.values()].sort((a, b) => b.score - a.score);
}
