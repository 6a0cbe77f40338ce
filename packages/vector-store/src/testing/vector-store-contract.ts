/**
 * One contract suite for every VectorStore adapter (embedded and Milvus): what retrieval relies on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';
import type { ChunkRecord, VectorMetric, VectorStore } from '../port.js';

export interface VectorStoreContractOptions {
  /** True when a store made by a second `createStore()` call sees what the first one wrote. */
  persistent?: boolean;
  teardown?: () => Promise<void>;
}

const DIMENSION = 16;

/** A seeded PRNG (mulberry32): the same vectors on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomVectors(count: number, seed: number, dimension = DIMENSION): number[][] {
  const random = seeded(seed);
  return Array.from({ length: count }, () => {
    const vector = Array.from({ length: dimension }, () => random() * 2 - 1);
    const norm = Math.hypot(...vector);
    return vector.map((value) => value / norm);
  });
}

const WORDS = ['pump', 'valve', 'manual', 'pressure', 'seal', 'install', 'torque', 'flange'];

function chunks(count: number, seed: number, owner = 'ann', documentId = 'doc-1'): ChunkRecord[] {
  const random = seeded(seed + 1);
  return randomVectors(count, seed).map((vector, index) => ({
    id: `${owner}-${documentId}-${index}`,
    vector,
    text: Array.from({ length: 8 }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '),
    owner,
    documentId,
    metadata: { source: `${documentId}.pdf`, page: index, draft: index % 2 === 0 },
  }));
}

const dot = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, value, index) => sum + value * b[index]!, 0);

const collectionName = () => `contract_${randomUUID().replaceAll('-', '').slice(0, 12)}`;

async function rejectsWith(promise: Promise<unknown>, code: ErrorCode, mentions?: string) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (mentions) assert.match(error.message, new RegExp(mentions));
    return true;
  });
}

/** Registers the VectorStore contract tests for one adapter. */
export function runVectorStoreContract(
  name: string,
  createStore: () => Promise<VectorStore>,
  options: VectorStoreContractOptions = {},
): void {
  describe(`VectorStore contract: ${name}`, () => {
    let store: VectorStore;
    const collection = async (metric: VectorMetric = 'cosine', dimension = DIMENSION) => {
      const spec = { name: collectionName(), dimension, metric };
      await store.createCollection(spec);
      return spec.name;
    };
    before(async () => {
      store = await createStore();
    });
    after(async () => {
      await store.close();
      await options.teardown?.();
    });

    it('reports itself healthy and names its adapter', async () => {
      assert.equal((await store.health()).healthy, true);
      assert.ok(store.adapter.length > 0);
    });

    it('creates a collection idempotently and lists its dimension and metric', async () => {
      const spec = { name: collectionName(), dimension: 8, metric: 'l2' as const };
      await store.createCollection(spec);
      await store.createCollection(spec);
      const listed = (await store.listCollections()).filter((c) => c.name === spec.name);
      assert.deepEqual(listed, [spec]);
      await rejectsWith(store.createCollection({ ...spec, dimension: 9 }), 'conflict', spec.name);
    });

    it('refuses bad collection names and names the unknown collection', async () => {
      for (const bad of ['', '1abc', 'has-dash', 'a'.repeat(129), 'drop table;'])
        await rejectsWith(
          store.createCollection({ name: bad, dimension: 4, metric: 'cosine' }),
          'invalid_input',
          'collection name',
        );
      const missing = collectionName();
      await rejectsWith(store.upsert(missing, chunks(1, 1)), 'not_found', missing);
      await rejectsWith(store.search(missing, randomVectors(1, 1)[0]!, { topK: 3 }), 'not_found');
      await rejectsWith(store.searchText(missing, 'pump', { topK: 3 }), 'not_found');
      await rejectsWith(store.delete(missing, { ids: ['x'] }), 'not_found');
    });

    it('finds the nearest chunks best first, with text, owner, document and metadata', async () => {
      const name = await collection();
      const records = chunks(300, 7);
      await store.upsert(name, records);
      const query = records[42]!.vector as number[];
      const hits = await store.search(name, query, { topK: 10 });
      assert.equal(hits.length, 10);
      const { id, text, owner, documentId, metadata } = records[42]!;
      const expected = { id, text, owner, documentId, metadata };
      assert.deepEqual(
        { ...hits[0]!, score: Math.round(hits[0]!.score * 1e4) / 1e4 },
        {
          ...expected,
          score: 1,
        },
      );
      for (let index = 1; index < hits.length; index++)
        assert.ok(hits[index - 1]!.score >= hits[index]!.score, 'scores descend');
      const exact = records
        .map((record) => ({ id: record.id, score: dot(record.vector as number[], query) }))
        .sort((a, b) => b.score - a.score)
        .slice(0, 10)
        .map((hit) => hit.id);
      const found = hits.filter((hit) => exact.includes(hit.id)).length;
      assert.ok(found >= 9, `recall@10 ${found}/10 against exact search`);
    });

    it('scores l2 as negative distance and ip as the inner product', async () => {
      const a = [1, 0, 0, 0];
      const b = [0, 2, 0, 0];
      const base = { text: 't', owner: 'ann', documentId: 'd' };
      for (const metric of ['l2', 'ip'] as const) {
        const name = await collection(metric, 4);
        await store.upsert(name, [
          { ...base, id: 'a', vector: a },
          { ...base, id: 'b', vector: b },
        ]);
        const hits = await store.search(name, [0, 1, 0, 0], { topK: 2 });
        const scores = hits.map((hit) => [hit.id, Math.round(hit.score * 1e4) / 1e4]);
        const expected =
          metric === 'l2'
            ? [
                ['b', -1],
                ['a', -1.4142],
              ]
            : [
                ['b', 2],
                ['a', 0],
              ];
        assert.deepEqual(scores, expected, metric);
      }
    });

    it("keeps one owner's chunks out of another owner's results", async () => {
      const name = await collection();
      const bob = chunks(50, 11, 'bob');
      await store.upsert(name, [...chunks(50, 12, 'ann'), ...bob]);
      const hits = await store.search(name, bob[0]!.vector, { topK: 20, filter: { owner: 'ann' } });
      assert.equal(hits.length, 20);
      assert.ok(hits.every((hit) => hit.owner === 'ann'));
      const text = await store.searchText(name, 'pump valve', {
        topK: 100,
        filter: { owner: 'bob' },
      });
      assert.ok(text.length > 0, 'bob has chunks about pumps and valves');
      assert.deepEqual([...new Set(text.map((hit) => hit.owner))], ['bob']);
    });

    it('filters by one or several documents', async () => {
      const name = await collection();
      await store.upsert(name, [
        ...chunks(20, 21, 'ann', 'd1'),
        ...chunks(20, 22, 'ann', 'd2'),
        ...chunks(20, 23, 'ann', 'd3'),
      ]);
      const query = randomVectors(1, 99)[0]!;
      const one = await store.search(name, query, { topK: 60, filter: { documentId: 'd2' } });
      assert.deepEqual([...new Set(one.map((hit) => hit.documentId))], ['d2']);
      assert.equal(one.length, 20);
      const two = await store.search(name, query, {
        topK: 60,
        filter: { owner: 'ann', documentId: ['d1', 'd3'] },
      });
      assert.deepEqual([...new Set(two.map((hit) => hit.documentId))].sort(), ['d1', 'd3']);
      assert.equal(two.length, 40);
    });

    it('replaces a chunk upserted again under the same id', async () => {
      const name = await collection();
      const first = { ...chunks(1, 31)[0]!, id: 'moving-chunk', text: 'original gasket text' };
      await store.upsert(name, chunks(30, 32));
      await store.upsert(name, [first]);
      const moved = { ...first, vector: randomVectors(1, 33)[0]!, text: 'rewritten flange text' };
      await store.upsert(name, [moved]);
      const hits = await store.search(name, moved.vector, { topK: 50 });
      assert.equal(hits.filter((hit) => hit.id === first.id).length, 1);
      assert.equal(hits[0]!.id, first.id);
      assert.equal(hits[0]!.text, 'rewritten flange text');
      assert.deepEqual(await store.searchText(name, 'gasket', { topK: 5 }), []);
      assert.equal(hits.length, 31);
      const byText = await store.searchText(name, 'rewritten', { topK: 5 });
      assert.deepEqual(
        byText.map((hit) => hit.id),
        [first.id],
      );
    });

    it("deletes by ids and by one document's filter, returning how many went", async () => {
      const name = await collection();
      const d1 = chunks(10, 41, 'ann', 'd1');
      await store.upsert(name, [
        ...d1,
        ...chunks(10, 42, 'ann', 'd2'),
        ...chunks(10, 43, 'bob', 'd1'),
      ]);
      assert.equal(await store.delete(name, { ids: [d1[0]!.id, d1[1]!.id, 'no-such-id'] }), 2);
      assert.equal(await store.delete(name, { filter: { owner: 'ann', documentId: 'd1' } }), 8);
      const left = await store.search(name, d1[5]!.vector, { topK: 100 });
      assert.equal(left.length, 20);
      assert.ok(!left.some((hit) => hit.owner === 'ann' && hit.documentId === 'd1'));
      assert.equal(await store.delete(name, { filter: { documentId: 'd1' } }), 10);
      const text = await store.searchText(name, 'pump valve seal', { topK: 100 });
      assert.ok(text.length > 0, 'the remaining chunks are still found by text');
      assert.ok(
        text.every((hit) => hit.documentId === 'd2'),
        'deleted chunks are not',
      );
    });

    it('refuses a vector of the wrong dimension and writes none of its batch', async () => {
      const name = await collection();
      const good = chunks(5, 51);
      const bad = { ...chunks(1, 52)[0]!, id: 'bad', vector: [0.1, 0.2, 0.3] };
      await rejectsWith(store.upsert(name, [...good, bad]), 'invalid_input', 'dimension');
      assert.deepEqual(await store.search(name, good[0]!.vector, { topK: 10 }), []);
      await rejectsWith(store.search(name, [1, 0], { topK: 3 }), 'invalid_input', 'dimension');
    });

    it('finds an exact product code by BM25 where vector search would not', async () => {
      const name = await collection();
      const records = chunks(200, 61);
      const coded = { ...records[137]!, text: 'replace the seal kit XK-4471 every two years' };
      records[137] = coded;
      await store.upsert(name, records);
      const text = await store.searchText(name, 'XK-4471', { topK: 5 });
      assert.equal(text[0]?.id, coded.id);
      assert.equal(text[0]?.text, coded.text);
      assert.ok((text[0]?.score ?? 0) > 0);
      for (let index = 1; index < text.length; index++)
        assert.ok(text[index - 1]!.score >= text[index]!.score, 'scores descend');
      // The query's embedding is unrelated to the coded chunk's, as with a code no model knows.
      const vector = await store.search(name, records[3]!.vector, { topK: 5 });
      assert.ok(!vector.some((hit) => hit.id === coded.id));
      assert.deepEqual(
        await store.searchText(name, 'XK-4471', { topK: 5, filter: { owner: 'bob' } }),
        [],
      );
    });

    it('drops a collection', async () => {
      const name = await collection();
      await store.upsert(name, chunks(3, 71));
      await store.dropCollection(name);
      assert.ok(!(await store.listCollections()).some((spec) => spec.name === name));
      await rejectsWith(store.search(name, randomVectors(1, 1)[0]!, { topK: 1 }), 'not_found');
    });

    if (options.persistent)
      it('keeps collections and chunks across close and reopen', async () => {
        const first = await createStore();
        const name = collectionName();
        await first.createCollection({ name, dimension: DIMENSION, metric: 'ip' });
        const records = chunks(40, 81);
        await first.upsert(name, records);
        await first.delete(name, { ids: [records[0]!.id] });
        await first.close();
        const second = await createStore();
        try {
          const listed = (await second.listCollections()).find((spec) => spec.name === name);
          assert.deepEqual(listed, { name, dimension: DIMENSION, metric: 'ip' });
          const hits = await second.search(name, records[7]!.vector, { topK: 100 });
          assert.equal(hits.length, 39);
          assert.equal(hits[0]!.id, records[7]!.id);
          assert.ok((await second.searchText(name, 'pump', { topK: 5 })).length > 0);
        } finally {
          await second.close();
        }
      });
  });
}
