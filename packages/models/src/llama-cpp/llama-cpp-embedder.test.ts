import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { eventually, writeTinyLlamaGguf } from '@homelab-ai/testkit';
import type { Embedder } from '../ports/embedder.js';
import { createLlamaCppEmbedder } from './llama-cpp-embedder.js';

const dot = (a: readonly number[], b: readonly number[]): number =>
  a.reduce((sum, value, index) => sum + value * (b[index] ?? Number.NaN), 0);

function isCode(code: string) {
  return (error: unknown) => error instanceof PlatformError && error.code === code;
}

describe('embedded llama.cpp Embedder on a tiny GGUF the test writes', () => {
  let modelPath: string;
  let embeddingLength: number;
  let embedder: Embedder;
  before(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'homelab-gguf-'));
    ({ path: modelPath, embeddingLength } = await writeTinyLlamaGguf(join(directory, 'e.gguf')));
    embedder = createLlamaCppEmbedder({ modelPath, contextSize: 128, threads: 1, gpu: false });
  });
  after(() => embedder.close());

  it('knows the vector length from the file before loading, and gives unit vectors', async () => {
    const fresh = createLlamaCppEmbedder({ modelPath, threads: 1, gpu: false });
    assert.equal(fresh.dimensions, undefined);
    const health = await fresh.health();
    assert.equal(health.healthy, true);
    assert.match(health.detail, new RegExp(`${embeddingLength} dimensions, loads on first use`));
    assert.equal(fresh.dimensions, embeddingLength);

    const [vector] = await embedder.embed({ texts: ['hello world'] });
    assert.ok(vector);
    assert.equal(vector.length, embeddingLength);
    assert.equal(embedder.dimensions, embeddingLength);
    assert.ok(Math.abs(dot(vector, vector) - 1) < 1e-9, 'L2-normalised: cosine is a dot product');
  });

  it('keeps input order and gives each text its own vector', async () => {
    const texts = ['hello world', 'the tiny model', 'you are it'];
    const together = await embedder.embed({ texts });
    const reversed = await embedder.embed({ texts: [...texts].reverse() });
    assert.deepEqual(reversed, [...together].reverse());
    for (const [index, text] of texts.entries()) {
      assert.deepEqual(await embedder.embed({ texts: [text] }), [together[index]]);
    }
    const [a, b] = together;
    assert.ok(a && b && dot(a, b) < 0.999999, 'different texts, different vectors');
    assert.deepEqual(await embedder.embed({ texts: [] }), []);
  });

  it('gives the same vectors after an idle unload and a reload', async () => {
    const texts = ['hello world', 'llama test token'];
    // A copy of its own, so that the unload really frees the model (nothing else shares it).
    const copy = await writeTinyLlamaGguf(join(tmpdir(), `homelab-idle-${process.pid}.gguf`));
    const idle = createLlamaCppEmbedder({
      modelPath: copy.path,
      threads: 1,
      gpu: false,
      idleUnloadMs: 50,
    });
    try {
      const first = await idle.embed({ texts });
      assert.match((await idle.health()).detail, /loaded/);
      await eventually(
        async () => (/loads on first use/.test((await idle.health()).detail) ? true : undefined),
        'the idle model to unload',
      );
      assert.deepEqual(await idle.embed({ texts }), first);
      assert.deepEqual(await embedder.embed({ texts }), first, 'another embedder agrees');
    } finally {
      await idle.close();
      await rm(copy.path, { force: true });
    }
  });

  it('truncates a text longer than the context instead of failing', async () => {
    const long = 'hello world '.repeat(400);
    const [vector] = await embedder.embed({ texts: [long] });
    assert.equal(vector?.length, embeddingLength);
  });

  it('rejects an empty text by its position', async () => {
    await assert.rejects(
      embedder.embed({ texts: ['hello', '  '] }),
      (error) => isCode('invalid_input')(error) && /text 1 is empty/.test(String(error)),
    );
  });

  it('stops between texts when aborted', async () => {
    const aborted = AbortSignal.abort();
    await assert.rejects(
      embedder.embed({ texts: ['hello'], signal: aborted }),
      isCode('cancelled'),
    );

    // A second call queues behind the first text of the long call; when it is done, abort the
    // long call, which must then stop instead of embedding its remaining 500 texts.
    const controller = new AbortController();
    const long = embedder.embed({
      texts: Array.from({ length: 500 }, (_, index) => `text ${index}`),
      signal: controller.signal,
    });
    await embedder.embed({ texts: ['hello'] });
    controller.abort();
    await assert.rejects(long, isCode('cancelled'));
  });

  it('says which file is missing and how to get one', async () => {
    const missing = createLlamaCppEmbedder({ modelPath: '/nonexistent/bge.gguf', gpu: false });
    assert.equal((await missing.health()).healthy, false);
    await assert.rejects(
      missing.embed({ texts: ['hi'] }),
      (error) =>
        isCode('model_not_configured')(error) &&
        /\/nonexistent\/bge\.gguf/.test(String(error)) &&
        /homelab-ai models pull bge-small-en-v1\.5/.test(String(error)) &&
        /EMBEDDINGS_MODEL_PATH/.test(String(error)),
    );
  });
});
