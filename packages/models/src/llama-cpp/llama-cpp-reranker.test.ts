import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { writeTinyLlamaGguf, writeTinyRerankerGguf } from '@homelab-ai/testkit';
import type { Reranker } from '../ports/reranker.js';
import { createLlamaCppReranker } from './llama-cpp-reranker.js';

function isCode(code: string) {
  return (error: unknown) => error instanceof PlatformError && error.code === code;
}

const query = 'hello world';
const documents = ['the tiny model', 'hello world', 'you are it', 'llama test token', 'is of to'];

describe('embedded llama.cpp Reranker on a tiny Qwen3-style reranker GGUF the test writes', () => {
  let directory: string;
  let rerankerPath: string;
  let reranker: Reranker;
  before(async () => {
    directory = await mkdtemp(join(tmpdir(), 'homelab-gguf-'));
    ({ path: rerankerPath } = await writeTinyRerankerGguf(join(directory, 'reranker.gguf')));
    reranker = createLlamaCppReranker({
      modelPath: rerankerPath,
      contextSize: 128,
      threads: 1,
      gpu: false,
    });
  });
  after(() => reranker.close());

  it('scores every document once, best first, as probabilities', async () => {
    assert.match((await reranker.health()).detail, /loads on first use/);
    const scores = await reranker.rerank({ query, documents });
    assert.deepEqual(
      scores.map((score) => score.index).sort(),
      documents.map((_, index) => index),
    );
    for (const [position, { score }] of scores.entries()) {
      assert.ok(score > 0 && score < 1, `score ${score} is a probability`);
      const next = scores[position + 1];
      if (next) assert.ok(score >= next.score, 'sorted by descending score');
    }
    assert.ok(new Set(scores.map(({ score }) => score)).size > 1, 'documents are told apart');
    assert.match((await reranker.health()).detail, /loaded/);
    assert.deepEqual(await reranker.rerank({ query, documents: [] }), []);
  });

  it('gives a document the same score every time, wherever it stands', async () => {
    const first = await reranker.rerank({ query, documents });
    await reranker.close(); // unload: the next call loads the model again
    const reversed = await reranker.rerank({ query, documents: [...documents].reverse() });
    const scoreOf = (list: typeof first, index: number) =>
      list.find((score) => score.index === index)?.score;
    for (const index of documents.keys()) {
      assert.equal(scoreOf(reversed, documents.length - 1 - index), scoreOf(first, index));
    }
    const twice = await reranker.rerank({ query, documents: ['you are it', 'you are it'] });
    assert.deepEqual(
      twice.map((score) => score.index),
      [0, 1],
      'equal scores keep input order',
    );
    assert.equal(twice[0]?.score, twice[1]?.score);
  });

  it('scores a document longer than the context by its chunks; refuses an oversized query', async () => {
    const [long] = await reranker.rerank({ query, documents: ['hello world '.repeat(200)] });
    assert.ok(long && long.score > 0 && long.score < 1);
    await assert.rejects(
      reranker.rerank({ query: 'hello world '.repeat(200), documents }),
      (error) => isCode('invalid_input')(error) && /query is too long/.test(String(error)),
    );
  });

  it('stops when aborted', async () => {
    await assert.rejects(
      reranker.rerank({ query, documents, signal: AbortSignal.abort() }),
      isCode('cancelled'),
    );
  });

  it('rejects a model that is not a reranker, saying so', async () => {
    const { path } = await writeTinyLlamaGguf(join(directory, 'plain-llama.gguf'));
    const plain = createLlamaCppReranker({ modelPath: path, threads: 1, gpu: false });
    try {
      const health = await plain.health();
      assert.equal(health.healthy, false);
      assert.match(health.detail, /not a reranker/);
      await assert.rejects(
        plain.rerank({ query, documents }),
        (error) =>
          isCode('model_rejected')(error) &&
          String(error).includes(path) &&
          /not a reranker model/.test(String(error)) &&
          /RERANKER_MODEL_PATH/.test(String(error)),
      );
    } finally {
      await plain.close();
    }
  });

  it('says which file is missing and how to get one', async () => {
    const missing = createLlamaCppReranker({ modelPath: '/nonexistent/rerank.gguf', gpu: false });
    assert.equal((await missing.health()).healthy, false);
    await assert.rejects(
      missing.rerank({ query, documents }),
      (error) =>
        isCode('model_not_configured')(error) &&
        /\/nonexistent\/rerank\.gguf/.test(String(error)) &&
        /homelab-ai models pull/.test(String(error)) &&
        /RERANKER_MODEL_PATH/.test(String(error)),
    );
  });
});
