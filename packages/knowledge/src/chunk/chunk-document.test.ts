/**
 * chunkDocument: chunks stay within the token budget, follow sections, carry an overlap from
 * the chunk before them, and come out the same every time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateMarkdown, testParagraph } from '../testing/index.js';
import { parseDocument, type ParsedDocument } from '../parse/index.js';
import { approximateTokenCount, chunkDocument } from './index.js';

const longSection = (count: number): string =>
  Array.from({ length: count }, (_, index) => testParagraph(1, index + 1)).join('\n\n');

describe('chunkDocument', () => {
  const document: ParsedDocument = {
    type: 'markdown',
    sections: [
      { text: longSection(30), headingPath: ['Guide', 'Install'] },
      { text: 'A short closing section.', headingPath: ['Guide', 'Support'], page: 7 },
    ],
  };

  it('keeps every chunk within maxTokens and counts its tokens', () => {
    const chunks = chunkDocument(document, { maxTokens: 200, overlapTokens: 30 });
    assert.ok(chunks.length > 5);
    for (const chunk of chunks) {
      assert.ok(chunk.tokenCount <= 200, `chunk ${chunk.ordinal} has ${chunk.tokenCount} tokens`);
      assert.equal(chunk.tokenCount, approximateTokenCount(chunk.text));
    }
    assert.deepEqual(
      chunks.map((chunk) => chunk.ordinal),
      chunks.map((_, index) => index),
    );
  });

  it('never mixes two sections, and keeps heading path and page as metadata only', () => {
    const chunks = chunkDocument(document, { maxTokens: 200, overlapTokens: 30 });
    const last = chunks.at(-1);
    assert.deepEqual(last, {
      ordinal: chunks.length - 1,
      text: 'A short closing section.',
      tokenCount: approximateTokenCount('A short closing section.'),
      headingPath: ['Guide', 'Support'],
      page: 7,
    });
    for (const chunk of chunks.slice(0, -1)) {
      assert.deepEqual(chunk.headingPath, ['Guide', 'Install']);
      assert.ok(!chunk.text.includes('closing section'));
      assert.ok(!chunk.text.startsWith('Guide'), 'no heading prefix in the text');
    }
  });

  it('packs whole paragraphs and starts each later chunk with the tail of the one before', () => {
    const chunks = chunkDocument(document, { maxTokens: 200, overlapTokens: 30 });
    const paragraphs = new Set(longSection(30).split('\n\n'));
    const sectionChunks = chunks.slice(0, -1);
    for (const [index, chunk] of sectionChunks.entries()) {
      const parts = chunk.text.split('\n\n');
      // Every part but an opening overlap is a whole paragraph of the source.
      for (const part of parts.slice(index === 0 ? 0 : 1)) assert.ok(paragraphs.has(part), part);
      if (index === 0) continue;
      const overlap = parts[0] ?? '';
      const previous = sectionChunks[index - 1]?.text ?? '';
      assert.ok(previous.endsWith(overlap), `chunk ${index} opens with the previous chunk's tail`);
      const overlapTokens = approximateTokenCount(overlap);
      assert.ok(overlapTokens >= 10 && overlapTokens <= 30, `overlap of ${overlapTokens} tokens`);
    }
  });

  it('splits an over-long paragraph by sentences, then a run-on sentence by words', () => {
    const sentences = Array.from({ length: 40 }, (_, index) => `Sentence number ${index} is here.`);
    const runOn = Array.from({ length: 400 }, (_, index) => `w${index}`).join(' ');
    const chunks = chunkDocument(
      { sections: [{ text: `${sentences.join(' ')}\n\n${runOn}`, headingPath: [] }] },
      { maxTokens: 64, overlapTokens: 0 },
    );
    for (const chunk of chunks) assert.ok(chunk.tokenCount <= 64, `${chunk.tokenCount} tokens`);
    const sentenceChunks = chunks.filter((chunk) => chunk.text.startsWith('Sentence'));
    assert.ok(sentenceChunks.length > 1);
    for (const chunk of sentenceChunks) assert.match(chunk.text, /^Sentence .*here\.$/s);
    const words = chunks
      .filter((chunk) => chunk.text.startsWith('w'))
      .flatMap((chunk) => chunk.text.split(' '));
    assert.deepEqual(words, runOn.split(' '), 'no word lost or duplicated without overlap');
  });

  it('cuts a long run of characters without spaces', () => {
    const chunks = chunkDocument(
      { sections: [{ text: 'x'.repeat(5000), headingPath: [] }] },
      { maxTokens: 100, overlapTokens: 0 },
    );
    assert.ok(chunks.length > 1);
    for (const chunk of chunks) assert.ok(chunk.tokenCount <= 100);
    assert.equal(chunks.map((chunk) => chunk.text).join(''), 'x'.repeat(5000));
  });

  it('is deterministic', async () => {
    const markdown = new TextEncoder().encode(generateMarkdown(200_000));
    const parsed = await parseDocument(markdown, { filename: 'handbook.md' });
    assert.deepEqual(chunkDocument(parsed), chunkDocument(parsed));
  });

  it('chunks a 1 MB Markdown file quickly (guards against quadratic packing)', async () => {
    const markdown = new TextEncoder().encode(generateMarkdown(1024 * 1024));
    const parsed = await parseDocument(markdown, { filename: 'handbook.md' });
    const started = performance.now();
    const chunks = chunkDocument(parsed);
    const elapsed = performance.now() - started;
    assert.ok(chunks.length > 100);
    // The budget is ~10× the measured time, so only an algorithmic regression fails it.
    assert.ok(elapsed < 3000, `chunking took ${Math.round(elapsed)} ms`);
  });

  it('refuses an overlap larger than half a chunk', () => {
    assert.throws(
      () => chunkDocument(document, { maxTokens: 100, overlapTokens: 80 }),
      /overlapTokens/,
    );
  });
});
