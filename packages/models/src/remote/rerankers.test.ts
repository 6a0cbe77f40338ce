import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { jsonOf } from '../testing/loopback-http.js';
import {
  startLoopbackOpenAiEmbeddings,
  type LoopbackOpenAiEmbeddings,
} from '../testing/loopback-openai-embeddings.js';
import { startLoopbackTei, type LoopbackTei } from '../testing/loopback-tei.js';
import { createCohereReranker } from './cohere-reranker.js';
import { createTeiReranker } from './tei-reranker.js';

// 40 documents: only #35 is about the query, #3 half about it, so batches must be merged right
const documents = Array.from({ length: 40 }, (_, index) => `unrelated filler text ${index}`);
documents[35] = 'how to restart the nats server after an upgrade';
documents[3] = 'the nats documentation';
const query = 'restart nats server';

describe('TEI Reranker against a loopback TEI server', () => {
  let tei: LoopbackTei;
  before(async () => {
    tei = await startLoopbackTei({ modelId: 'BAAI/bge-reranker-base' });
  });
  after(() => tei.close());

  it('scores every document across batches, best first, with indices into the input', async () => {
    const reranker = createTeiReranker({ baseUrl: tei.baseUrl });
    const scores = await reranker.rerank({ query, documents });
    assert.equal(scores.length, 40);
    assert.deepEqual(scores[0], { index: 35, score: 1 });
    assert.equal(scores[1]?.index, 3);
    assert.deepEqual(
      tei.requests
        .map((request) => jsonOf<{ texts: string[] }>(request).texts.length)
        .sort((a, b) => b - a),
      [32, 8],
    );
    assert.equal(reranker.adapter, 'tei');
  });

  it('answers an empty candidate list without calling the server', async () => {
    const before = tei.requests.length;
    const reranker = createTeiReranker({ baseUrl: tei.baseUrl });
    assert.deepEqual(await reranker.rerank({ query, documents: [] }), []);
    assert.equal(tei.requests.length, before);
  });
});

describe('Cohere-style Reranker against a loopback Infinity-like server', () => {
  let server: LoopbackOpenAiEmbeddings;
  before(async () => {
    server = await startLoopbackOpenAiEmbeddings({ model: 'mixedbread-rerank', apiKey: 'k' });
  });
  after(() => server.close());

  it('sends model, query, documents and top_n and reads relevance_score', async () => {
    const reranker = createCohereReranker({
      baseUrl: server.baseUrl,
      model: 'mixedbread-rerank',
      apiKey: 'k',
    });
    const scores = await reranker.rerank({ query, documents });
    assert.equal(scores.length, 40);
    assert.equal(scores[0]?.index, 35);
    assert.ok((scores[0]?.score ?? 0) > (scores[1]?.score ?? 1));
    const sent = jsonOf<{ model: string; top_n: number; documents: string[] }>(
      server.requests.at(-1) ?? assert.fail(),
    );
    assert.equal(sent.model, 'mixedbread-rerank');
    assert.equal(sent.top_n, 40);
    assert.equal(sent.documents.length, 40);
    assert.equal((await reranker.health()).healthy, true);
  });
});
