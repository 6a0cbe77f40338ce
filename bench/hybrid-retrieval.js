// Hybrid retrieval latency over 100k chunks in the embedded vector store (LanceDB: HNSW + BM25),
// through the platform's HybridRetriever with an instant in-process embedder, so the figure is
// the retrieval's own cost: BM25 search + vector search + rank fusion.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHybridRetriever } from '@homelab-ai/knowledge';
import { createUnconfiguredReranker } from '@homelab-ai/models';
import { hashedVector } from '@homelab-ai/models/testing';
import { createEmbeddedVectorStore } from '@homelab-ai/vector-store/embedded';
import { onCleanup } from './cleanup.js';
import { summarize } from './stats.js';

// A 5,000-word synthetic vocabulary drawn with a Zipf distribution, like real text: a few
// words are everywhere, most are rare, so BM25's posting lists have realistic lengths.
const SYLLABLES = 'ka lo mi ren tas vor pel dun sir gat hom ber lin cos fet'.split(' ');
const VOCABULARY = Array.from({ length: 5_000 }, (_, index) => {
  let word = '';
  for (let rest = index + 15; rest > 0; rest = Math.floor(rest / SYLLABLES.length)) {
    word += SYLLABLES[rest % SYLLABLES.length];
  }
  return word;
});
const ZIPF = (() => {
  const weights = VOCABULARY.map((_, rank) => 1 / (rank + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let cumulative = 0;
  return weights.map((weight) => (cumulative += weight / total));
})();

function seeded(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

function words(seed, count) {
  const random = seeded(seed * 2654435761);
  return Array.from({ length: count }, () => {
    const draw = random();
    let low = 0;
    let high = ZIPF.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (ZIPF[middle] < draw) low = middle + 1;
      else high = middle;
    }
    return VOCABULARY[low];
  });
}

const sentence = (seed) => `Record ${seed}: ${words(seed, 60).join(' ')}.`;

/** A question made of six words of one record, as a user would half-remember it. */
const question = (seed) =>
  words(seed, 60)
    .filter((_, index) => index % 10 === 3)
    .join(' ');

const embedder = {
  adapter: 'bench',
  modelName: 'hashed-384',
  dimensions: 384,
  embed: ({ texts }) => Promise.resolve(texts.map((text) => hashedVector(text, 384))),
  health: () => Promise.resolve({ healthy: true, detail: 'in-process' }),
  close: () => Promise.resolve(),
};

export async function benchHybridRetrieval(count = 100_000, queries = 200) {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-bench-hybrid-'));
  onCleanup(() => rm(dataDir, { recursive: true, force: true }));
  const vectors = await createEmbeddedVectorStore({
    dataDir,
    ...(process.env.BENCH_VECTOR_INDEX_MIN_ROWS
      ? { vectorIndexMinRows: Number(process.env.BENCH_VECTOR_INDEX_MIN_ROWS) }
      : {}),
  });
  onCleanup(() => vectors.close());
  await vectors.createCollection({ name: 'bench', dimension: 384, metric: 'cosine' });
  const buildStart = performance.now();
  const group = Number(process.env.BENCH_GROUP ?? 20_000);
  for (let start = 0; start < count; start += group) {
    const records = [];
    for (let index = start; index < Math.min(start + group, count); index++) {
      const text = sentence(index);
      records.push({
        id: `c${index}`,
        vector: hashedVector(text, 384),
        text,
        owner: 'bench',
        documentId: `d${index % 500}`,
        metadata: { source: `doc-${index % 500}.pdf`, page: index % 40, heading_path: '' },
      });
    }
    await vectors.upsert('bench', records);
    if (process.env.BENCH_VERBOSE) process.stderr.write(`upserted ${start + records.length}\n`);
  }
  const buildS = (performance.now() - buildStart) / 1000;
  const retriever = createHybridRetriever({
    vectors,
    embedder,
    reranker: createUnconfiguredReranker(),
  });
  const ask = (index) =>
    retriever.retrieve({
      collection: 'bench',
      query: question((index * 7919) % count),
      topK: 5,
      owner: 'bench',
    });
  for (let index = 0; index < 20; index++) await ask(index);
  const samples = [];
  for (let index = 0; index < queries; index++) {
    const started = performance.now();
    await ask(index + 100);
    samples.push((performance.now() - started) * 1000);
  }
  return { count, buildS, ...summarize(samples) };
}

export function hybridRows(result) {
  return [
    {
      figure: `Hybrid retrieval over ${result.count.toLocaleString('en')} chunks, p50 / p99`,
      measured: `${(result.p50 / 1000).toFixed(1)} / ${(result.p99 / 1000).toFixed(1)} ms (index built in ${result.buildS.toFixed(0)} s)`,
      target: 'p50 ≤ 15 ms',
      pass: result.p50 <= 15_000,
    },
  ];
}
