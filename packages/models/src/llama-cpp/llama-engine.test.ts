import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import { acquireModel } from './llama-engine.js';

describe('the shared llama.cpp engine', () => {
  let modelPath: string;
  before(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'homelab-gguf-'));
    ({ path: modelPath } = await writeTinyLlamaGguf(join(directory, 'shared.gguf')));
  });

  it('loads a file once for all its users and frees it when the last one lets go', async () => {
    const [chat, embeddings] = await Promise.all([
      acquireModel(modelPath, false),
      acquireModel(modelPath, false),
    ]);
    assert.equal(chat.model, embeddings.model, 'one copy of the weights in memory');
    await chat.release();
    await chat.release(); // a second release of the same lease changes nothing
    assert.equal(embeddings.model.disposed, false, 'still in use by the other adapter');
    await embeddings.release();
    assert.equal(embeddings.model.disposed, true);

    const again = await acquireModel(modelPath, false);
    assert.notEqual(again.model, chat.model, 'loaded afresh after being freed');
    assert.equal(again.model.disposed, false);
    await again.release();
  });

  it('reports a file llama.cpp cannot read, and can load others afterwards', async () => {
    await assert.rejects(acquireModel('/nonexistent/broken.gguf', false));
    const lease = await acquireModel(modelPath, false);
    await lease.release();
  });
});
