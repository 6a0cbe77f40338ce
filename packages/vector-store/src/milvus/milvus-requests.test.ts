import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { freePort } from '@homelab-ai/testkit';
import {
  startLoopbackMilvus,
  type FieldColumn,
  type LoopbackMilvus,
} from './loopback-milvus-server.js';
import { createMilvusVectorStore, type MilvusVectorStore } from './milvus-vector-store.js';

type Message = Record<string, unknown>;
interface FieldSchema {
  name: string;
  data_type: string;
  is_primary_key: boolean;
  is_function_output: boolean;
  type_params: { key: string; value: string }[];
}

const keyValues = (pairs: unknown): Record<string, string> =>
  Object.fromEntries(
    (pairs as { key: string; value: string }[]).map(({ key, value }) => [key, value]),
  );
const last = (messages: Message[]): Message => {
  const message = messages.at(-1);
  assert.ok(message, 'expected a request');
  return message;
};
const rejectsWith = (code: string) => (error: unknown) =>
  error instanceof PlatformError && error.code === code;

describe('Milvus adapter requests (loopback MilvusService)', () => {
  let milvus: LoopbackMilvus;
  let store: MilvusVectorStore;

  before(async () => {
    milvus = await startLoopbackMilvus();
    store = await createMilvusVectorStore({ address: milvus.address, timeoutMs: 2_000 });
    await store.createCollection({ name: 'chunks', dimension: 3, metric: 'cosine' });
  });
  after(async () => {
    await store.close();
    await milvus.stop();
  });

  it('creates the schema: VarChar id key, FloatVector of the dimension, analysed text, BM25 sparse field', () => {
    const request = last(milvus.requestsOf('CreateCollection'));
    assert.equal(request['collection_name'], 'chunks');
    assert.equal(request['consistency_level'], 'Strong');
    const schema = milvus.decodeSchema(request['schema'] as Buffer);
    const fields = schema['fields'] as FieldSchema[];
    const byName = new Map(fields.map((field) => [field.name, field]));
    const typeOf = (name: string) => byName.get(name)?.data_type;
    const param = (name: string, key: string) =>
      byName.get(name)?.type_params.find((entry) => entry.key === key)?.value;
    assert.deepEqual(
      fields.map((field) => [field.name, field.data_type]),
      [
        ['id', 'VarChar'],
        ['vector', 'FloatVector'],
        ['text', 'VarChar'],
        ['owner', 'VarChar'],
        ['document_id', 'VarChar'],
        ['metadata', 'JSON'],
        ['text_sparse', 'SparseFloatVector'],
      ],
    );
    assert.equal(byName.get('id')?.is_primary_key, true);
    assert.equal(typeOf('vector'), 'FloatVector');
    assert.equal(param('vector', 'dim'), '3');
    assert.equal(param('text', 'max_length'), '65535');
    assert.equal(param('text', 'enable_analyzer'), 'true');
    assert.equal(byName.get('text_sparse')?.is_function_output, true);
    const [bm25] = schema['functions'] as Message[];
    assert.deepEqual(
      [bm25?.['type'], bm25?.['input_field_names'], bm25?.['output_field_names']],
      ['BM25', ['text'], ['text_sparse']],
    );
  });

  it('indexes the vector with HNSW and the metric, text_sparse with a BM25 inverted index, then loads', () => {
    const indexes = milvus.requestsOf('CreateIndex').map((request) => ({
      field: request['field_name'],
      ...keyValues(request['extra_params']),
    }));
    assert.deepEqual(indexes, [
      {
        field: 'vector',
        index_type: 'HNSW',
        metric_type: 'COSINE',
        params: '{"M":16,"efConstruction":200}',
      },
      {
        field: 'text_sparse',
        index_type: 'SPARSE_INVERTED_INDEX',
        metric_type: 'BM25',
        params: '{"inverted_index_algo":"DAAT_MAXSCORE"}',
      },
    ]);
    assert.equal(last(milvus.requestsOf('LoadCollection'))['collection_name'], 'chunks');
    const order = milvus.requests.map((entry) => entry.method);
    assert.ok(
      order.lastIndexOf('CreateIndex') < order.indexOf('LoadCollection'),
      'indexes before load',
    );
  });

  it('creating the same collection again does nothing; another dimension is a conflict', async () => {
    await store.createCollection({ name: 'chunks', dimension: 3, metric: 'cosine' });
    assert.equal(milvus.requestsOf('CreateCollection').length, 1);
    await assert.rejects(
      store.createCollection({ name: 'chunks', dimension: 4, metric: 'cosine' }),
      rejectsWith('conflict'),
    );
    await assert.rejects(
      store.createCollection({ name: '9bad-name', dimension: 3, metric: 'cosine' }),
      rejectsWith('invalid_input'),
    );
  });

  it('upserts rows as columns: ids, flattened vectors with dim, text, owner, document_id, JSON metadata', async () => {
    await store.upsert('chunks', [
      {
        id: 'c1',
        vector: new Float32Array([1, 0, 0]),
        text: 'alpha',
        owner: 'ann',
        documentId: 'd1',
        metadata: { page: 1 },
      },
      { id: 'c2', vector: [0, 1, 0], text: 'beta', owner: 'ann', documentId: 'd2' },
    ]);
    const request = last(milvus.requestsOf('Upsert'));
    assert.equal(request['num_rows'], 2);
    const columns = new Map(
      (request['fields_data'] as FieldColumn[]).map((column) => [column.field_name, column]),
    );
    assert.deepEqual(
      [...columns.keys()],
      ['id', 'vector', 'text', 'owner', 'document_id', 'metadata'],
    );
    assert.deepEqual(columns.get('id')?.scalars?.string_data?.data, ['c1', 'c2']);
    assert.equal(columns.get('vector')?.vectors?.dim, '3');
    assert.deepEqual(columns.get('vector')?.vectors?.float_vector?.data, [1, 0, 0, 0, 1, 0]);
    assert.deepEqual(columns.get('document_id')?.scalars?.string_data?.data, ['d1', 'd2']);
    const metadata = columns
      .get('metadata')
      ?.scalars?.json_data?.data.map((bytes) => JSON.parse(bytes.toString()) as unknown);
    assert.deepEqual(metadata, [{ page: 1 }, {}]);
  });

  it('rejects a vector of the wrong dimension without sending it', async () => {
    const upserts = milvus.requestsOf('Upsert').length;
    await assert.rejects(
      store.upsert('chunks', [
        { id: 'x', vector: [1, 2], text: '', owner: 'ann', documentId: 'd' },
      ]),
      (error) =>
        rejectsWith('invalid_input')(error) &&
        /dimension 2.*dimension 3/.test((error as Error).message),
    );
    assert.equal(milvus.requestsOf('Upsert').length, upserts);
  });

  it('deletes by filter with escaped values, so a quote in an owner id cannot widen the delete', async () => {
    milvus.deleteCount = 2;
    const deleted = await store.delete('chunks', {
      filter: { owner: 'o"brien\\', documentId: ['d1', 'd2'] },
    });
    assert.equal(deleted, 2);
    assert.equal(
      last(milvus.requestsOf('Delete'))['expr'],
      'owner == "o\\"brien\\\\" and document_id in ["d1", "d2"]',
    );
  });

  it('deletes by ids, counting only the ids that existed (Milvus counts the ids asked for)', async () => {
    await store.upsert('chunks', [
      { id: 'gone"1', vector: [0, 0, 1], text: 'x', owner: 'ann', documentId: 'd9' },
      { id: 'gone2', vector: [0, 0, 1], text: 'y', owner: 'ann', documentId: 'd9' },
    ]);
    const deletes = milvus.requestsOf('Delete').length;
    assert.equal(await store.delete('chunks', { ids: ['gone"1', 'gone2', 'never'] }), 2);
    assert.equal(last(milvus.requestsOf('Query'))['expr'], 'id in ["gone\\"1", "gone2", "never"]');
    assert.equal(last(milvus.requestsOf('Delete'))['expr'], 'id in ["gone\\"1", "gone2"]');
    assert.equal(await store.delete('chunks', { ids: ['gone2'] }), 0);
    assert.equal(
      milvus.requestsOf('Delete').length,
      deletes + 1,
      'nothing to delete sends no Delete',
    );
    await assert.rejects(store.delete('chunks', { filter: {} }), rejectsWith('invalid_input'));
  });

  it('searches the vector field with the filter, topK and metric, and maps hits best first', async () => {
    milvus.searchScores = [0.97, 0.5];
    const hits = await store.search('chunks', [1, 0, 0], {
      topK: 5,
      filter: { owner: 'ann', documentId: 'd1' },
    });
    const request = last(milvus.requestsOf('Search'));
    const params = keyValues(request['search_params']);
    assert.equal(request['dsl'], 'owner == "ann" and document_id == "d1"');
    assert.deepEqual(
      [params['anns_field'], params['topk'], params['metric_type'], params['ef']],
      ['vector', '5', 'COSINE', '64'],
    );
    assert.deepEqual(request['output_fields'], ['id', 'text', 'owner', 'document_id', 'metadata']);
    const [placeholder] = milvus.decodePlaceholders(request['placeholder_group'] as Buffer)[
      'placeholders'
    ] as Message[];
    const [queryBytes] = placeholder?.['values'] as Buffer[];
    assert.deepEqual(
      Array.from(new Float32Array(new Uint8Array(queryBytes ?? []).buffer)),
      [1, 0, 0],
    );
    assert.deepEqual(
      hits.map((hit) => ({ ...hit, score: Math.round(hit.score * 100) / 100 })),
      [
        {
          id: 'c1',
          score: 0.97,
          text: 'alpha',
          owner: 'ann',
          documentId: 'd1',
          metadata: { page: 1 },
        },
        { id: 'c2', score: 0.5, text: 'beta', owner: 'ann', documentId: 'd2', metadata: {} },
      ],
    );
  });

  it('full-text search sends the query text to text_sparse with BM25', async () => {
    milvus.searchScores = [3.5];
    const hits = await store.searchText('chunks', 'alpha beta', {
      topK: 2,
      filter: { owner: 'ann' },
    });
    const request = last(milvus.requestsOf('Search'));
    const params = keyValues(request['search_params']);
    assert.deepEqual(
      [params['anns_field'], params['topk'], params['metric_type']],
      ['text_sparse', '2', 'BM25'],
    );
    assert.equal(request['dsl'], 'owner == "ann"');
    const [placeholder] = milvus.decodePlaceholders(request['placeholder_group'] as Buffer)[
      'placeholders'
    ] as Message[];
    assert.equal(placeholder?.['type'], 'VarChar');
    assert.equal(String((placeholder?.['values'] as Buffer[])[0]), 'alpha beta');
    assert.deepEqual(
      hits.map((hit) => [hit.id, hit.score]),
      [['c1', 3.5]],
    );
  });

  it('hybrid search sends a vector and a BM25 request fused by RRF', async () => {
    milvus.searchScores = [0.03];
    const hits = await store.searchHybrid('chunks', [0, 1, 0], 'beta', {
      topK: 3,
      filter: { owner: 'ann' },
    });
    const request = last(milvus.requestsOf('HybridSearch'));
    const subRequests = (request['requests'] as Message[]).map((sub) => [
      keyValues(sub['search_params'])['anns_field'],
      keyValues(sub['search_params'])['metric_type'],
      sub['dsl'],
    ]);
    assert.deepEqual(subRequests, [
      ['vector', 'COSINE', 'owner == "ann"'],
      ['text_sparse', 'BM25', 'owner == "ann"'],
    ]);
    assert.equal(keyValues(request['rank_params'])['strategy'], 'rrf');
    assert.equal(hits.length, 1);
  });

  it('answers not_found for a missing collection and invalid_input for a bad topK', async () => {
    await assert.rejects(store.search('missing', [1, 0, 0], { topK: 1 }), rejectsWith('not_found'));
    await assert.rejects(
      store.upsert('missing', [
        { id: 'a', vector: [1, 0, 0], text: '', owner: 'o', documentId: 'd' },
      ]),
      rejectsWith('not_found'),
    );
    await assert.rejects(
      store.search('chunks', [1, 0, 0], { topK: 0 }),
      rejectsWith('invalid_input'),
    );
  });

  it('turns squared L2 distances into negative distances', async () => {
    await store.createCollection({ name: 'euclid', dimension: 2, metric: 'l2' });
    assert.equal(
      keyValues(last(milvus.requestsOf('CreateIndex'))['extra_params'])['metric_type'],
      'BM25',
    );
    assert.ok(
      milvus
        .requestsOf('CreateIndex')
        .some((request) => keyValues(request['extra_params'])['metric_type'] === 'L2'),
    );
    await store.upsert('euclid', [
      { id: 'near', vector: [0, 0], text: 't', owner: 'o', documentId: 'd' },
    ]);
    milvus.searchScores = [4];
    const [hit] = await store.search('euclid', [0, 2], { topK: 1 });
    assert.equal(hit?.score, -2);
  });

  it('lists and drops collections', async () => {
    assert.deepEqual(await store.listCollections(), [
      { name: 'chunks', dimension: 3, metric: 'cosine' },
      { name: 'euclid', dimension: 2, metric: 'l2' },
    ]);
    await store.dropCollection('euclid');
    assert.equal(last(milvus.requestsOf('DropCollection'))['collection_name'], 'euclid');
    assert.deepEqual(
      (await store.listCollections()).map((spec) => spec.name),
      ['chunks'],
    );
  });

  it('reports health from CheckHealth', async () => {
    assert.deepEqual(await store.health(), {
      healthy: true,
      detail: `Milvus at ${milvus.address}`,
    });
  });
});

describe('Milvus adapter against an older server', () => {
  it('creates collections without BM25 on Milvus 2.4 and refuses full-text search clearly', async () => {
    const milvus = await startLoopbackMilvus();
    milvus.version = 'v2.4.9';
    const store = await createMilvusVectorStore({ address: milvus.address, timeoutMs: 2_000 });
    try {
      await store.createCollection({ name: 'old', dimension: 2, metric: 'ip' });
      const schema = milvus.decodeSchema(
        last(milvus.requestsOf('CreateCollection'))['schema'] as Buffer,
      );
      const names = (schema['fields'] as FieldSchema[]).map((field) => field.name);
      assert.ok(!names.includes('text_sparse'));
      assert.deepEqual(schema['functions'], []);
      assert.equal(milvus.requestsOf('CreateIndex').length, 1);
      await assert.rejects(
        store.searchText('old', 'hello', { topK: 1 }),
        (error) =>
          rejectsWith('invalid_input')(error) && /Milvus 2\.5/.test((error as Error).message),
      );
    } finally {
      await store.close();
      await milvus.stop();
    }
  });
});

describe('Milvus adapter with no server', () => {
  it('fails promptly with unavailable naming the address, and reports unhealthy', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const store = await createMilvusVectorStore({ address, timeoutMs: 500 });
    try {
      const started = Date.now();
      await assert.rejects(
        store.search('chunks', [1, 0, 0], { topK: 1 }),
        (error) => rejectsWith('unavailable')(error) && (error as Error).message.includes(address),
      );
      assert.ok(Date.now() - started < 5_000, `took ${Date.now() - started} ms`);
      const health = await store.health();
      assert.equal(health.healthy, false);
      assert.match(health.detail, new RegExp(address.replace(/\./g, '\\.')));
    } finally {
      await store.close();
    }
  });
});
