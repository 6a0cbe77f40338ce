import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { freePort } from '@homelab-ai/testkit';
import { hashedVector } from '../testing/loopback-content.js';
import { jsonOf } from '../testing/loopback-http.js';
import {
  startLoopbackOpenAiEmbeddings,
  type LoopbackOpenAiEmbeddings,
} from '../testing/loopback-openai-embeddings.js';
import { startLoopbackTei, type LoopbackTei } from '../testing/loopback-tei.js';
import { createOpenAiEmbedder } from './openai-embedder.js';
import { createTeiEmbedder } from './tei-embedder.js';

const texts = Array.from(
  { length: 150 },
  (_, index) => `document number ${index} about topic ${index % 7}`,
);

describe('OpenAI-compatible Embedder against a loopback server', () => {
  let server: LoopbackOpenAiEmbeddings;
  before(async () => {
    server = await startLoopbackOpenAiEmbeddings({ apiKey: 'k', reverseOrder: true });
  });
  after(() => server.close());

  it('embeds in batches of 64 and keeps input order though the server lists data reversed', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: 'k' });
    assert.equal(embedder.dimensions, undefined);
    const vectors = await embedder.embed({ texts });
    assert.equal(vectors.length, 150);
    // Sent as base64 float32s, as the official clients ask for them.
    const float32 = (vector: number[]) => Array.from(new Float32Array(vector));
    assert.deepEqual(vectors[0], float32(hashedVector(texts[0] ?? '')));
    assert.deepEqual(vectors[149], float32(hashedVector(texts[149] ?? '')));
    assert.equal(embedder.dimensions, 384, 'learned from the first answer');
    assert.equal(embedder.modelName, 'loopback-embed', 'the first model the server lists');
    const sizes = server.requests
      .filter((request) => request.path === '/v1/embeddings')
      .map((request) => jsonOf<{ input: string[] }>(request).input.length)
      .sort((a, b) => b - a);
    assert.deepEqual(sizes, [64, 64, 22]);
    assert.equal(server.requests.at(-1)?.headers.authorization, 'Bearer k');
  });

  it('falls back to float vectors when the server refuses base64', async () => {
    const floatOnly = await startLoopbackOpenAiEmbeddings({ floatOnly: true });
    try {
      const embedder = createOpenAiEmbedder({ baseUrl: floatOnly.baseUrl });
      const [first] = await embedder.embed({ texts: ['hello'] });
      assert.deepEqual(first, hashedVector('hello'));
      const [second] = await embedder.embed({ texts: ['again'] });
      assert.deepEqual(second, hashedVector('again'));
      const formats = floatOnly.requests
        .filter((request) => request.path === '/v1/embeddings')
        .map((request) => jsonOf<{ encoding_format?: string }>(request).encoding_format ?? 'float');
      assert.deepEqual(formats, ['base64', 'float', 'float'], 'asks for base64 once only');
    } finally {
      await floatOnly.close();
    }
  });

  it('reports the configured model as missing in health, and an unknown model as rejected', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: 'k', model: 'nope' });
    const health = await embedder.health();
    assert.equal(health.healthy, false);
    assert.match(health.detail, /does not list model nope/);
    await assert.rejects(embedder.embed({ texts: ['a'] }), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'model_rejected');
      assert.match(error.message, /\/v1\/embeddings answered 404: The model `nope` does not exist/);
      return true;
    });
    const good = createOpenAiEmbedder({ baseUrl: server.baseUrl, apiKey: 'k' });
    assert.equal((await good.health()).healthy, true);
  });
});

describe('TEI Embedder against a loopback TEI server', () => {
  let tei: LoopbackTei;
  before(async () => {
    tei = await startLoopbackTei({ modelId: 'BAAI/bge-small-en-v1.5' });
  });
  after(() => tei.close());

  it('splits into batches TEI accepts and returns one vector per text, in order', async () => {
    const embedder = createTeiEmbedder({ baseUrl: tei.baseUrl, concurrency: 2 });
    const vectors = await embedder.embed({ texts: texts.slice(0, 70) });
    assert.equal(vectors.length, 70);
    for (const index of [0, 31, 32, 69])
      assert.deepEqual(vectors[index], hashedVector(texts[index] ?? ''), `vector ${index}`);
    const sizes = tei.requests.map(
      (request) => jsonOf<{ inputs: string[] }>(request).inputs.length,
    );
    assert.deepEqual(
      sizes.sort((a, b) => b - a),
      [32, 32, 6],
    );
    assert.equal(jsonOf<{ truncate: boolean }>(tei.requests[0] ?? assert.fail()).truncate, true);
    assert.equal(embedder.dimensions, 384);
  });

  it("turns TEI's 413 for a too large batch into a non-retried error naming service and URL", async () => {
    const before = tei.requests.length;
    const embedder = createTeiEmbedder({ baseUrl: tei.baseUrl, batchSize: 64 });
    await assert.rejects(embedder.embed({ texts: texts.slice(0, 64) }), (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'model_rejected');
      assert.equal(
        error.message,
        `embeddings (TEI) ${tei.baseUrl}/embed answered 413: ` +
          'batch size 64 > maximum allowed batch size 32 (Validation)',
      );
      return true;
    });
    assert.equal(tei.requests.length, before + 1);
  });

  it('learns the model from /info in health, and reports an absent server as unhealthy', async () => {
    const embedder = createTeiEmbedder({ baseUrl: tei.baseUrl });
    assert.deepEqual(await embedder.health(), {
      healthy: true,
      detail: `${tei.baseUrl} model BAAI/bge-small-en-v1.5`,
    });
    assert.equal(embedder.modelName, 'BAAI/bge-small-en-v1.5');
    const absent = createTeiEmbedder({ baseUrl: `http://127.0.0.1:${await freePort()}` });
    const health = await absent.health();
    assert.equal(health.healthy, false);
    assert.match(health.detail, /unreachable/);
  });

  it('stops the remaining batches when one fails', async () => {
    const before = tei.requests.length;
    tei.faults.push({ status: 422, message: 'input is too long' });
    const embedder = createTeiEmbedder({ baseUrl: tei.baseUrl, batchSize: 10, concurrency: 1 });
    await assert.rejects(embedder.embed({ texts: texts.slice(0, 100) }), /answered 422/);
    assert.equal(tei.requests.length, before + 1, 'no batch sent after the failure');
  });
});
