// Benchmark of embedded vector indexes on embedding-like data, to choose the embedded adapter.
// Run alone: `node packages/vector-store/bench/embedded-vectors.js [count] [dimension]`.
// Data: low-rank (32 Gaussian factors) plus small noise, normalized, seeded: real sentence
// embeddings are strongly anisotropic, and uniform random vectors make every ANN index look bad.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const RANK = 32;
const NOISE = 0.15;
const QUERIES = 200;
const TOP_K = 10;

/** mulberry32: a tiny seeded PRNG so every run sees the same vectors. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussianSource(seed) {
  const random = seededRandom(seed);
  return () => {
    const u = Math.max(random(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  };
}

/** `count` normalized vectors: latent factors times a shared basis, plus isotropic noise. */
function embeddingLike(count, dimension, basis, gaussian) {
  const out = new Float32Array(count * dimension);
  const latent = new Float64Array(RANK);
  for (let row = 0; row < count; row++) {
    for (let r = 0; r < RANK; r++) latent[r] = gaussian();
    const offset = row * dimension;
    let norm = 0;
    for (let d = 0; d < dimension; d++) {
      let value = NOISE * gaussian();
      for (let r = 0; r < RANK; r++) value += latent[r] * basis[r * dimension + d];
      out[offset + d] = value;
      norm += value * value;
    }
    const scale = 1 / Math.sqrt(norm);
    for (let d = 0; d < dimension; d++) out[offset + d] *= scale;
  }
  return out;
}

function makeData(count, dimension) {
  const gaussian = gaussianSource(20_260_126);
  const basis = new Float64Array(RANK * dimension);
  for (let index = 0; index < basis.length; index++) basis[index] = gaussian() / Math.sqrt(RANK);
  const vectors = embeddingLike(count, dimension, basis, gaussian);
  const queries = embeddingLike(QUERIES, dimension, basis, gaussian);
  return { vectors, queries };
}

/** Exact top-k by inner product (vectors are normalized, so this is cosine). */
function bruteForceTopK(vectors, count, dimension, query, k) {
  const bestIds = new Int32Array(k).fill(-1);
  const bestScores = new Float64Array(k).fill(-Infinity);
  for (let row = 0; row < count; row++) {
    const offset = row * dimension;
    let dot = 0;
    for (let d = 0; d < dimension; d++) dot += vectors[offset + d] * query[d];
    if (dot <= bestScores[k - 1]) continue;
    let slot = k - 1;
    while (slot > 0 && bestScores[slot - 1] < dot) {
      bestScores[slot] = bestScores[slot - 1];
      bestIds[slot] = bestIds[slot - 1];
      slot--;
    }
    bestScores[slot] = dot;
    bestIds[slot] = row;
  }
  return [...bestIds];
}

const percentile = (sorted, p) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const cpuSeconds = ({ user, system }) => (user + system) / 1e6;
const rssMb = () => process.memoryUsage().rss / 2 ** 20;
const row = (vectors, dimension, index) =>
  vectors.subarray(index * dimension, (index + 1) * dimension);

async function measureQueries(search, queries, dimension, truth) {
  const latencies = [];
  let found = 0;
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    const ids = await search(row(queries, dimension, q));
    latencies.push(performance.now() - started);
    const expected = new Set(truth[q]);
    found += ids.filter((id) => expected.has(id)).length;
  }
  latencies.sort((a, b) => a - b);
  return {
    recallAt10: found / (QUERIES * TOP_K),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

/** The LanceDB index configurations compared; each is built on the same table in turn. */
const LANCE_VARIANTS = [
  {
    label: 'IVF_FLAT (316 partitions, nprobes 24)',
    index: (Index) => Index.ivfFlat({ distanceType: 'cosine', numPartitions: 316 }),
    tune: (query) => query.nprobes(24),
  },
  ...[
    { m: 16, efConstruction: 150, ef: 128 },
    { m: 16, efConstruction: 100, ef: 128 },
    { m: 12, efConstruction: 100, ef: 160 },
  ].map(({ m, efConstruction, ef }) => ({
    label: `HNSW_SQ (m ${m}, efConstruction ${efConstruction}, ef ${ef})`,
    index: (Index) => Index.hnswSq({ distanceType: 'cosine', numPartitions: 1, m, efConstruction }),
    tune: (query) => query.ef(ef),
  })),
];

/** LanceDB (native, prebuilt binary): one table, each index variant built on it in turn. */
async function benchLanceDb({ vectors, queries, count, dimension, truth, dir, variants }) {
  const lancedb = await import('@lancedb/lancedb');
  const rssBefore = rssMb();
  const started = performance.now();
  const db = await lancedb.connect(dir);
  const batch = 10_000;
  let table;
  for (let start = 0; start < count; start += batch) {
    const rows = [];
    for (let index = start; index < Math.min(count, start + batch); index++)
      rows.push({ id: index, vector: Array.from(row(vectors, dimension, index)) });
    if (table) await table.add(rows);
    else table = await db.createTable('bench', rows);
  }
  const insertS = (performance.now() - started) / 1000;
  const results = [];
  for (const variant of LANCE_VARIANTS.filter(
    (_, index) => !variants || variants.includes(index),
  )) {
    const indexStarted = performance.now();
    const cpuBefore = process.cpuUsage();
    await table.createIndex('vector', { config: variant.index(lancedb.Index), replace: true });
    const buildS = insertS + (performance.now() - indexStarted) / 1000;
    const indexCpuS = cpuSeconds(process.cpuUsage(cpuBefore));
    const figures = await measureQueries(
      async (query) => {
        const hits = await variant
          .tune(table.vectorSearch(query).distanceType('cosine'))
          .select(['id', '_distance'])
          .limit(TOP_K)
          .toArray();
        return hits.map((hit) => hit.id);
      },
      queries,
      dimension,
      truth,
    );
    results.push({
      candidate: `lancedb 0.31 ${variant.label}`,
      buildS,
      insertS,
      indexCpuS,
      ...figures,
      rssGrowthMb: rssMb() - rssBefore,
    });
  }
  table.close();
  db.close();
  return results;
}

/** pgvector inside PGlite (Postgres compiled to WASM): HNSW, m 16, ef_construction 64. */
async function benchPglite({ vectors, queries, count, dimension, truth, dir }) {
  const { PGlite } = await import('@electric-sql/pglite');
  const { vector } = await import('@electric-sql/pglite-pgvector');
  const rssBefore = rssMb();
  const started = performance.now();
  const db = await PGlite.create(dir, { extensions: { vector } });
  await db.exec(`CREATE EXTENSION IF NOT EXISTS vector;
    CREATE TABLE bench (id integer PRIMARY KEY, embedding vector(${dimension}));`);
  const literal = (values) => `[${Array.from(values, (value) => value.toFixed(6)).join(',')}]`;
  const batch = 1_000;
  for (let start = 0; start < count; start += batch) {
    const values = [];
    for (let index = start; index < Math.min(count, start + batch); index++)
      values.push(`(${index},'${literal(row(vectors, dimension, index))}')`);
    await db.exec(`INSERT INTO bench VALUES ${values.join(',')}`);
  }
  const insertS = (performance.now() - started) / 1000;
  const cpuBefore = process.cpuUsage();
  await db.exec(`SET maintenance_work_mem = '1GB';
    CREATE INDEX ON bench USING hnsw (embedding vector_cosine_ops) WITH (m = 16, ef_construction = 64);
    SET hnsw.ef_search = 64;`);
  const buildS = (performance.now() - started) / 1000;
  const indexCpuS = cpuSeconds(process.cpuUsage(cpuBefore));
  const result = await measureQueries(
    async (query) => {
      const { rows } = await db.query(
        'SELECT id FROM bench ORDER BY embedding <=> $1::vector LIMIT 10',
        [literal(query)],
      );
      return rows.map((hit) => hit.id);
    },
    queries,
    dimension,
    truth,
  );
  const rssGrowthMb = rssMb() - rssBefore;
  await db.close();
  return {
    candidate: 'pgvector 0.0.15 in PGlite 0.5 HNSW (m 16, ef_search 64)',
    buildS,
    insertS,
    indexCpuS,
    ...result,
    rssGrowthMb,
  };
}

function groundTruth(vectors, count, dimension, queries) {
  const truth = [];
  const latencies = [];
  for (let q = 0; q < QUERIES; q++) {
    const started = performance.now();
    truth.push(bruteForceTopK(vectors, count, dimension, row(queries, dimension, q), TOP_K));
    latencies.push(performance.now() - started);
  }
  return { truth, latencies: latencies.sort((a, b) => a - b) };
}

/**
 * Runs every candidate on the same seeded data and returns one row of figures each.
 * PGlite's WASM inserts and HNSW build run ~4 s per 1k vectors here, so it runs on the first
 * `pgliteCount` vectors only (100k would take over 6 minutes); its row says how many.
 */
export async function benchEmbeddedVectors({
  count = 100_000,
  dimension = 384,
  candidates = ['exact', 'lancedb', 'pglite'],
  pgliteCount = 10_000,
  lanceVariants = [0, 1],
} = {}) {
  const { vectors, queries } = makeData(count, dimension);
  const { truth, latencies: exactLatencies } = groundTruth(vectors, count, dimension, queries);
  const results = [];
  if (candidates.includes('exact'))
    results.push({
      candidate: 'exact scan in plain JS (the ground truth)',
      buildS: 0,
      insertS: 0,
      recallAt10: 1,
      p50Ms: percentile(exactLatencies, 50),
      p99Ms: percentile(exactLatencies, 99),
      rssGrowthMb: (count * dimension * 4) / 2 ** 20,
      vectors: count,
    });
  const runners = { lancedb: benchLanceDb, pglite: benchPglite };
  for (const name of candidates) {
    const runner = runners[name];
    if (!runner) continue;
    const dir = await mkdtemp(join(tmpdir(), `bench-${name}-`));
    const subset = name === 'pglite' ? Math.min(count, pgliteCount) : count;
    const subsetTruth =
      subset === count ? truth : groundTruth(vectors, subset, dimension, queries).truth;
    try {
      const result = await runner({
        vectors,
        queries,
        count: subset,
        dimension,
        truth: subsetTruth,
        dir,
        variants: lanceVariants,
      });
      for (const figures of [result].flat()) results.push({ ...figures, vectors: subset });
    } catch (error) {
      results.push({ candidate: name, error: String(error) });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
  return { count, dimension, queries: QUERIES, rank: RANK, noise: NOISE, results };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const count = Number(process.argv[2] ?? 100_000);
  const dimension = Number(process.argv[3] ?? 384);
  const candidates = process.argv[4]?.split(',');
  const lanceVariants = process.argv[5]?.split(',').map(Number);
  const report = await benchEmbeddedVectors({
    count,
    dimension,
    ...(candidates ? { candidates } : {}),
    ...(lanceVariants ? { lanceVariants } : {}),
  });
  const round = (value) => (typeof value === 'number' ? Number(value.toFixed(3)) : value);
  console.log(JSON.stringify({ ...report, results: undefined }));
  console.table(
    report.results.map((result) =>
      Object.fromEntries(Object.entries(result).map(([key, value]) => [key, round(value)])),
    ),
  );
}
