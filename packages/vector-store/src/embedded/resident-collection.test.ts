import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChunkRecord, VectorStore } from '../port.js';
import { createEmbeddedVectorStore } from './embedded-vector-store.js';

const PASSAGES = [
  'The peregrine falcon flies faster than any other bird when it dives.',
  'Running shoes wear out after about eight hundred kilometres of running.',
  'A crème brûlée needs a blowtorch to caramelise its sugar.',
  'Order the replacement valve by its product code XK-4471 from the service desk.',
  'Kestrels hover over fields while they hunt for voles and mice.',
  'The lighthouse keeper logged the storm at three in the morning.',
  'Copper pipes are joined with solder and a flux paste.',
  'Falcons were trained for hunting in medieval courts.',
];

function vectorOf(index: number, dimension = 16): number[] {
  return Array.from({ length: dimension }, (_, d) => Math.sin(index * 3.7 + d * 1.3));
}

function records(owner: string): ChunkRecord[] {
  return PASSAGES.map((text, index) => ({
    id: `p${index}`,
    vector: vectorOf(index),
    text,
    owner,
    documentId: `doc${index % 3}`,
    metadata: { page: index + 1 },
  }));
}

describe('resident copy of a small collection', () => {
  let dir: string;
  let resident: VectorStore;
  let lanceOnly: VectorStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vector-store-resident-'));
    resident = await createEmbeddedVectorStore({ dataDir: join(dir, 'resident') });
    lanceOnly = await createEmbeddedVectorStore({
      dataDir: join(dir, 'lance'),
      residentMaxRows: 0,
    });
    for (const store of [resident, lanceOnly]) {
      await store.createCollection({ name: 'notes', dimension: 16, metric: 'cosine' });
      await store.upsert('notes', records('ann'));
    }
  });
  after(async () => {
    await resident.close();
    await lanceOnly.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('finds by keyword what Lance finds: stems, accents, stop words, product codes', async () => {
    const queries = [
      ['falcon', 'p7'],
      ['peregrine falcons diving', 'p0'],
      ['hunting kestrels', 'p4'],
      ['creme brulee', 'p2'],
      ['XK-4471', 'p3'],
      ['what is the runner wearing out', 'p1'],
      ['storms logged', 'p5'],
    ] as const;
    for (const [query, expected] of queries) {
      const ours = await resident.searchText('notes', query, { topK: 3 });
      const lance = await lanceOnly.searchText('notes', query, { topK: 3 });
      assert.equal(lance[0]?.id, expected, `Lance on "${query}"`);
      assert.equal(ours[0]?.id, expected, `resident on "${query}"`);
      assert.deepEqual(
        ours.map((hit) => hit.id).sort(),
        lance.map((hit) => hit.id).sort(),
        `same matches for "${query}"`,
      );
    }
    assert.deepEqual(await resident.searchText('notes', 'the and of', { topK: 3 }), []);
  });

  it('ranks and scores vectors exactly as Lance does', async () => {
    for (const probe of [0, 3, 6]) {
      const query = vectorOf(probe).map((value, d) => value + 0.05 * Math.cos(d));
      const ours = await resident.search('notes', query, { topK: 4 });
      const lance = await lanceOnly.search('notes', query, { topK: 4 });
      assert.deepEqual(
        ours.map((hit) => hit.id),
        lance.map((hit) => hit.id),
      );
      ours.forEach((hit, index) => assert.ok(Math.abs(hit.score - lance[index]!.score) < 1e-4));
      assert.deepEqual(ours[0]?.metadata, lance[0]?.metadata);
    }
  });

  it('follows writes: a changed chunk, a deleted document, a filter', async () => {
    const store = await createEmbeddedVectorStore({ dataDir: join(dir, 'writes') });
    try {
      await store.createCollection({ name: 'notes', dimension: 16, metric: 'cosine' });
      await store.upsert('notes', records('ann'));
      assert.equal((await store.searchText('notes', 'lighthouse', { topK: 1 }))[0]?.id, 'p5');
      await store.upsert('notes', [
        {
          id: 'p5',
          vector: vectorOf(5),
          text: 'The harbour bell rang.',
          owner: 'ann',
          documentId: 'doc2',
        },
      ]);
      assert.deepEqual(await store.searchText('notes', 'lighthouse', { topK: 1 }), []);
      assert.equal((await store.searchText('notes', 'harbour', { topK: 1 }))[0]?.id, 'p5');
      await store.delete('notes', { filter: { documentId: 'doc0' } });
      const left = await store.search('notes', vectorOf(0), { topK: 10 });
      assert.ok(left.every((hit) => hit.documentId !== 'doc0'));
      assert.equal(left.length, PASSAGES.length - 3);
      const bob = await store.search('notes', vectorOf(1), { topK: 5, filter: { owner: 'bob' } });
      assert.deepEqual(bob, []);
    } finally {
      await store.close();
    }
  });

  it('leaves a collection over the limit to Lance, and takes it back after deletes', async () => {
    const store = await createEmbeddedVectorStore({
      dataDir: join(dir, 'limit'),
      residentMaxRows: 5,
    });
    try {
      await store.createCollection({ name: 'notes', dimension: 16, metric: 'cosine' });
      await store.upsert('notes', records('ann'));
      assert.equal((await store.searchText('notes', 'XK-4471', { topK: 1 }))[0]?.id, 'p3');
      await store.delete('notes', { ids: ['p0', 'p1', 'p2', 'p4'] });
      assert.equal((await store.searchText('notes', 'XK-4471', { topK: 1 }))[0]?.id, 'p3');
      await store.upsert('notes', records('ann').slice(0, 3));
      const hits = await store.search('notes', vectorOf(1), { topK: 1 });
      assert.equal(hits[0]?.id, 'p1');
    } finally {
      await store.close();
    }
  });
});
