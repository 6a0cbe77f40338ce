/**
 * A small benchmark for any Embedder: how many texts per second it embeds, first call (which may
 * load the model) excluded.
 */
import type { Embedder } from '../ports/embedder.js';

export interface EmbeddingThroughput {
  texts: number;
  seconds: number;
  textsPerSecond: number;
}

/** Short, distinct sentences to benchmark with. */
export function sampleSentences(count: number): string[] {
  const subjects = ['The tiny model', 'A llama', 'The test', 'Hello world', 'The token'];
  const verbs = ['reads', 'writes', 'embeds', 'ranks', 'finds'];
  return Array.from(
    { length: count },
    (_, index) =>
      `${subjects[index % subjects.length] ?? ''} ${verbs[Math.floor(index / 5) % verbs.length] ?? ''} document number ${index}.`,
  );
}

/** Embed `texts` once to warm up (load the model), then time a second pass. */
export async function measureEmbeddingThroughput(
  embedder: Embedder,
  texts: readonly string[],
): Promise<EmbeddingThroughput> {
  await embedder.embed({ texts: texts.slice(0, 1) });
  const started = process.hrtime.bigint();
  await embedder.embed({ texts });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { texts: texts.length, seconds, textsPerSecond: texts.length / seconds };
}
