import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { createEmbeddedVectorStore } from './embedded-vector-store.js';
import { runVectorStoreContract } from '../testing/vector-store-contract.js';

let dataDir: string;
runVectorStoreContract(
  'embedded (LanceDB)',
  async () => {
    dataDir ??= await mkdtemp(join(tmpdir(), 'vector-store-contract-'));
    return createEmbeddedVectorStore({ dataDir });
  },
  { persistent: true, teardown: () => rm(dataDir, { recursive: true, force: true }) },
);

let lanceOnlyDir: string;
runVectorStoreContract(
  'embedded (LanceDB queries, no resident copy)',
  async () => {
    lanceOnlyDir ??= await mkdtemp(join(tmpdir(), 'vector-store-contract-lance-'));
    return createEmbeddedVectorStore({ dataDir: lanceOnlyDir, residentMaxRows: 0 });
  },
  { persistent: true, teardown: () => rm(lanceOnlyDir, { recursive: true, force: true }) },
);

function unitVectors(count: number, dimension: number): number[][] {
  return Array.from({ length: count }, (_, row) => {
    const vector = Array.from({ length: dimension }, (_, d) =>
      Math.sin(row * 12.9898 + d * 78.233),
    );
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

describe('embedded vector store specifics', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vector-store-embedded-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('builds its HNSW index past the threshold and still finds each chunk first', async () => {
    const store = await createEmbeddedVectorStore({
      dataDir: join(dir, 'indexed'),
      vectorIndexMinRows: 300,
      residentMaxRows: 0,
    });
    try {
      await store.createCollection({ name: 'indexed', dimension: 32, metric: 'cosine' });
      const vectors = unitVectors(500, 32);
      const record = (vector: number[], index: number) => ({
        id: `c${index}`,
        vector,
        text: `chunk ${index}`,
        owner: 'ann',
        documentId: `d${index % 5}`,
      });
      await store.upsert('indexed', vectors.slice(0, 350).map(record));
      await store.upsert(
        'indexed',
        vectors.slice(350).map((vector, index) => record(vector, index + 350)),
      );
      for (const probe of [3, 340, 499]) {
        const [hit] = await store.search('indexed', vectors[probe]!, { topK: 1 });
        assert.equal(hit?.id, `c${probe}`);
      }
      const health = await store.health();
      assert.equal(health.healthy, true);
      assert.doesNotMatch(health.detail, /failed/);
    } finally {
      await store.close();
    }
  });

  it('says it is closed instead of touching a closed database', async () => {
    const store = await createEmbeddedVectorStore({ dataDir: join(dir, 'closed') });
    await store.close();
    assert.equal((await store.health()).healthy, false);
    await assert.rejects(store.listCollections(), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'unavailable');
      return true;
    });
  });

  it('names the directory it cannot open', async () => {
    const file = join(dir, 'not-a-directory');
    await writeFile(file, 'x');
    await assert.rejects(createEmbeddedVectorStore({ dataDir: file }), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'unavailable');
      assert.match(error.message, /not-a-directory/);
      return true;
    });
  });
});
