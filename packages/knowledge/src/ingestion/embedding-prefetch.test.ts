/**
 * EmbeddingPrefetch: chunks handed over in uneven groups while a document is parsed come back
 * with the vectors the embedder gives them, in document order; a failing embedding server
 * leaves no vectors (the embed step then embeds again and reports the error).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createOpenAiEmbedder } from '@homelab-ai/models';
import {
  startLoopbackOpenAiEmbeddings,
  type LoopbackOpenAiEmbeddings,
} from '@homelab-ai/models/testing';
import { EmbeddingPrefetch, packVectors, unpackVectors } from './embedding-prefetch.js';

describe('EmbeddingPrefetch', () => {
  let server: LoopbackOpenAiEmbeddings;
  before(async () => {
    server = await startLoopbackOpenAiEmbeddings({ dimensions: 16, reverseOrder: true });
  });
  after(() => server.close());

  it('embeds chunks added in groups and returns their vectors in document order', async () => {
    const embedder = createOpenAiEmbedder({ baseUrl: server.baseUrl, dimensions: 16 });
    const chunks = Array.from({ length: 300 }, (_, index) => ({
      text: `chunk ${index} about topic ${index % 7}`,
    }));
    const prefetch = new EmbeddingPrefetch(embedder);
    for (let start = 0; start < chunks.length; start += 37) {
      prefetch.add(chunks.slice(start, start + 37));
    }
    // The final order differs from the order of arrival (as parts of a PDF may finish).
    const ordered = [...chunks.slice(150), ...chunks.slice(0, 150)];
    const vectors = await prefetch.finish(ordered);
    assert.deepEqual(vectors, await embedder.embed({ texts: ordered.map((chunk) => chunk.text) }));
  });

  it('gives no vectors when the embedding server fails', async () => {
    const embedder = createOpenAiEmbedder({
      baseUrl: 'http://127.0.0.1:9/v1',
      model: 'm',
      retries: 0,
      timeoutMs: 2_000,
    });
    const prefetch = new EmbeddingPrefetch(embedder);
    const chunks = [{ text: 'one' }, { text: 'two' }];
    prefetch.add(chunks);
    assert.equal(await prefetch.finish(chunks), undefined);
  });

  it('packs vectors into bytes and reads them back', () => {
    const vectors = [
      [0.5, -1, 2],
      [3, 0.25, -0.125],
    ];
    const packed = packVectors(vectors, 3);
    assert.ok(packed);
    const bytes = new Uint8Array(packed.byteLength + 1);
    bytes.set(new Uint8Array(packed.buffer), 1); // stored bytes need not be aligned
    assert.deepEqual(Array.from(unpackVectors(bytes.subarray(1))), vectors.flat());
    assert.equal(packVectors(vectors, 4), undefined, 'a vector of another dimension');
  });
});
