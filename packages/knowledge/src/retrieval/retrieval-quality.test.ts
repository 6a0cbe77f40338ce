import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createLlamaCppEmbedder,
  createUnconfiguredEmbedder,
  createUnconfiguredReranker,
  type Embedder,
} from '@homelab-ai/models';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import type { VectorStore } from '@homelab-ai/vector-store';
import { createEmbeddedVectorStore } from '@homelab-ai/vector-store/embedded';
import { createHybridRetriever } from './hybrid-retriever.js';
import { LABELLED_DOCUMENTS, LABELLED_QUESTIONS } from './labelled-set.js';

const OWNER = 'owner-1';
/** Look-alike support tickets: the vector half cannot tell their codes apart, BM25 can. */
const TICKETS = Array.from(
  { length: 40 },
  (_, index) =>
    `Support ticket KX-${1000 + index * 37} was closed after the customer confirmed the fix on site.`,
);

describe('hybrid retrieval on the labelled set, tiny GGUF embedder', () => {
  let embedder: Embedder;
  let vectors: VectorStore;
  before(async () => {
    const directory = await mkdtemp(join(tmpdir(), 'homelab-quality-'));
    const { path } = await writeTinyLlamaGguf(join(directory, 'embed.gguf'));
    embedder = createLlamaCppEmbedder({
      modelPath: path,
      threads: 1,
      gpu: false,
      contextSize: 256,
    });
    vectors = await createEmbeddedVectorStore({ dataDir: join(directory, 'vectors') });
    const texts = [...LABELLED_DOCUMENTS.map((document) => document.text), ...TICKETS];
    const embedded = await embedder.embed({ texts });
    await vectors.createCollection({
      name: 'quality',
      dimension: embedded[0]?.length ?? 0,
      metric: 'cosine',
    });
    await vectors.upsert(
      'quality',
      texts.map((text, index) => ({
        id: LABELLED_DOCUMENTS[index]?.id ?? `ticket-${index - LABELLED_DOCUMENTS.length}`,
        vector: embedded[index] ?? [],
        text,
        owner: OWNER,
        documentId: LABELLED_DOCUMENTS[index]?.id ?? `ticket-${index - LABELLED_DOCUMENTS.length}`,
      })),
    );
  });
  after(async () => {
    await vectors.close();
    await embedder.close();
  });

  it('finds the answering document in the top 5 for at least 90% of the questions', async () => {
    const retriever = createHybridRetriever({
      vectors,
      embedder,
      reranker: createUnconfiguredReranker(),
    });
    let hits = 0;
    const misses: string[] = [];
    for (const { question, answer } of LABELLED_QUESTIONS) {
      const result = await retriever.retrieve({
        collection: 'quality',
        query: question,
        topK: 5,
        owner: OWNER,
      });
      assert.equal(result.mode, 'hybrid');
      if (result.passages.some((passage) => passage.documentId === answer)) hits += 1;
      else misses.push(question);
    }
    const hitAt5 = hits / LABELLED_QUESTIONS.length;
    assert.ok(hitAt5 >= 0.9, `hit@5 ${hitAt5.toFixed(2)}; missed: ${misses.join(' | ')}`);
  });

  it('finds an exact ticket code that only the lexical half can tell apart', async () => {
    const query = 'KX-1111'; // ticket 3
    const [queryVector] = await embedder.embed({ texts: [query] });
    assert.ok(queryVector);
    const vectorOnly = await vectors.search('quality', queryVector, {
      topK: 5,
      filter: { owner: OWNER },
    });
    assert.ok(
      vectorOnly.every((hit) => hit.documentId !== 'ticket-3'),
      'the vector half alone does not find the product code',
    );
    const retriever = createHybridRetriever({
      vectors,
      embedder,
      reranker: createUnconfiguredReranker(),
    });
    const result = await retriever.retrieve({
      collection: 'quality',
      query,
      topK: 5,
      owner: OWNER,
    });
    const found = result.passages.find((passage) => passage.documentId === 'ticket-3');
    assert.ok(found, 'hybrid search finds it in the top 5');
    assert.ok(found.matchedBy.includes('lexical'));
  });

  it('runs lexical-only without an embedder, and says so', async () => {
    const retriever = createHybridRetriever({
      vectors,
      embedder: createUnconfiguredEmbedder(),
      reranker: createUnconfiguredReranker(),
    });
    const result = await retriever.retrieve({
      collection: 'quality',
      query: 'Why does iron rust?',
      topK: 3,
      owner: OWNER,
    });
    assert.equal(result.mode, 'lexical');
    assert.match(result.notices.join(' '), /lexical/);
    assert.equal(result.passages[0]?.documentId, 'rust');
  });

  it('keeps another owner out', async () => {
    const retriever = createHybridRetriever({
      vectors,
      embedder,
      reranker: createUnconfiguredReranker(),
    });
    const result = await retriever.retrieve({
      collection: 'quality',
      query: 'Why does iron rust?',
      topK: 3,
      owner: 'someone-else',
    });
    assert.equal(result.passages.length, 0);
  });
});
