import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ChunkBatcher } from './chunk-batcher.js';

describe('ChunkBatcher', () => {
  it('sends the first chunk at once and a burst after it as one chunk, in order', async () => {
    const published: string[] = [];
    const chunks = new ChunkBatcher((content) => {
      published.push(content);
      return Promise.resolve();
    });
    chunks.add('Hello', true);
    await Promise.resolve();
    assert.deepEqual(published, ['Hello']);
    for (const word of [' there', ',', ' friend']) chunks.add(word);
    await new Promise((resolve) => setImmediate(resolve));
    chunks.add('!');
    await chunks.flush();
    assert.deepEqual(published, ['Hello', ' there, friend', '!']);
  });

  it('throws a failed publish from the next call', async () => {
    const chunks = new ChunkBatcher(() => Promise.reject(new Error('bus down')));
    chunks.add('a', true);
    await assert.rejects(chunks.flush(), /bus down/);
    assert.throws(() => chunks.add('b'), /bus down/);
  });
});
