/**
 * Turns a server's `[{index, score}]` answer for one batch into one score per document, in
 * document order, refusing answers that miss or invent documents.
 */
import type { HttpClient } from './http-client.js';

export function scoresInOrder(
  client: HttpClient,
  url: string,
  rows: unknown,
  documentCount: number,
  scoreField: 'score' | 'relevance_score',
): number[] {
  const scores = new Array<number | undefined>(documentCount).fill(undefined);
  if (Array.isArray(rows))
    for (const row of rows as Record<string, unknown>[]) {
      const index = row.index;
      const score = row[scoreField];
      if (typeof index === 'number' && typeof score === 'number' && index < documentCount)
        scores[index] = score;
    }
  const missing = scores.filter((score) => score === undefined).length;
  if (missing > 0)
    throw client.malformed(
      url,
      `answered no ${scoreField} for ${missing} of ${documentCount} documents`,
    );
  return scores as number[];
}
