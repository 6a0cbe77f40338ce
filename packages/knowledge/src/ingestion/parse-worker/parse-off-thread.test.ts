/**
 * parseAndChunkOffThread: reading a document in the parse worker threads — a PDF's pages
 * shared among them, a large Markdown text in parts — gives exactly the chunks (text, ordinals,
 * heading paths, pages) of reading it whole on the main thread, and the same refusals.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PDFDocument, rgb } from 'pdf-lib';
import { PlatformError } from '@homelab-ai/contracts';
import { chunkDocument, type Chunk } from '../../chunk/index.js';
import { parseDocument } from '../../parse/index.js';
import { generateMarkdown, generateTestPdf } from '../../testing/index.js';
import { parseAndChunkOffThread } from './parse-off-thread.js';

const chunking = { maxTokens: 128, overlapTokens: 16 };
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

async function inThread(bytes: Uint8Array, filename: string): Promise<Chunk[]> {
  return chunkDocument(await parseDocument(bytes, { filename }), chunking);
}

/** Headings of several levels around the places where the text may be cut. */
function nestedMarkdown(): string {
  const blocks: string[] = ['Intro before any heading.'];
  for (let index = 0; index < 300; index += 1) {
    const level = 1 + ((index * 7) % 4);
    blocks.push(`${'#'.repeat(level)} Heading ${index} with *emphasis*`);
    blocks.push(`Text of part ${index}: ${'words to fill the section '.repeat(12)}`);
    if (index % 11 === 0) blocks.push('```\n\n# a comment in code, not a heading\n\n```');
    if (index % 17 === 0) blocks.push(`Setext ${index}\n---`);
  }
  return blocks.join('\n\n');
}

describe('parseAndChunkOffThread', () => {
  it('reads a PDF in shares of pages into the chunks of reading it whole', async () => {
    const pdf = await generateTestPdf(60, 6);
    assert.ok(pdf.length > 32 * 1024, 'large enough to be shared among the workers');
    const streamed: Chunk[] = [];
    const chunks = await parseAndChunkOffThread(pdf, {
      filename: 'manual.pdf',
      chunking,
      onChunks: (batch) => streamed.push(...batch),
    });
    assert.deepEqual(chunks, await inThread(pdf, 'manual.pdf'));
    assert.equal(streamed.length, chunks.length, 'every chunk reached onChunks');
    assert.deepEqual(
      [...new Set(chunks.map((chunk) => chunk.page))],
      Array.from({ length: 60 }, (_, index) => index + 1),
    );
  });

  it('reads Markdown in parts with the heading paths of reading it whole', async () => {
    for (const markdown of [nestedMarkdown(), generateMarkdown(300_000)]) {
      const bytes = utf8(markdown);
      const chunks = await parseAndChunkOffThread(bytes, { filename: 'handbook.md', chunking });
      const whole = await inThread(bytes, 'handbook.md');
      assert.equal(chunks.length, whole.length);
      assert.deepEqual(chunks, whole);
    }
  });

  it('reads other types in one worker', async () => {
    const bytes = utf8('Line one of the notes.\n\nA second paragraph with the code X-42.');
    const chunks = await parseAndChunkOffThread(bytes, { filename: 'notes.txt', chunking });
    assert.deepEqual(chunks, await inThread(bytes, 'notes.txt'));
  });

  it('refuses what parseDocument refuses, with the same reason', async () => {
    const scan = await PDFDocument.create();
    for (let page = 0; page < 400; page += 1) {
      scan.addPage().drawRectangle({ x: 50, y: 50, width: 400, height: 600, color: rgb(0, 0, 0) });
    }
    const scanned = await scan.save();
    assert.ok(scanned.length > 32 * 1024, 'large enough to be shared');
    const pdf = await generateTestPdf(40, 4);
    const truncated = pdf.subarray(0, Math.floor(pdf.length / 2));
    const cases: [Uint8Array, string, RegExp][] = [
      [scanned, 'scan.pdf', /no extractable text/],
      [truncated, 'cut.pdf', /corrupt or truncated PDF/],
      [utf8('   \n  '), 'blank.md', /empty/],
      [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2]), 'image.png', /unsupported file type/],
    ];
    for (const [bytes, filename, reason] of cases) {
      await assert.rejects(parseAndChunkOffThread(bytes, { filename, chunking }), (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'invalid_input');
        assert.match(error.message, reason);
        assert.ok(error.message.includes(filename));
        return true;
      });
    }
  });

  it('does not keep the process alive once the work is done', async () => {
    const module = new URL('./parse-off-thread.js', import.meta.url).href;
    const directory = await mkdtemp(join(tmpdir(), 'parse-pool-exit-'));
    const script = join(directory, 'parse-once.mjs');
    await writeFile(
      script,
      `const { parseAndChunkOffThread } = await import(${JSON.stringify(module)});
      const bytes = new TextEncoder().encode('One short note.');
      const chunking = { maxTokens: 64, overlapTokens: 0 };
      const chunks = await parseAndChunkOffThread(bytes, { filename: 'note.txt', chunking });
      process.stdout.write(String(chunks.length));`,
    );
    const child = spawnSync(process.execPath, [script], { timeout: 20_000, encoding: 'utf8' });
    await rm(directory, { recursive: true, force: true });
    assert.equal(child.signal, null, 'the process ended by itself (idle workers did not hold it)');
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout, '1');
  });

  it('stops with a cancelled error when its signal aborts, and the workers go on', async () => {
    const pdf = await generateTestPdf(80, 8);
    const controller = new AbortController();
    const parsing = parseAndChunkOffThread(pdf, {
      filename: 'long.pdf',
      chunking,
      signal: controller.signal,
      onChunks: () => controller.abort(new Error('user cancelled')),
    });
    await assert.rejects(parsing, (error) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'cancelled');
      return true;
    });
    const after = await parseAndChunkOffThread(utf8('# Still working\n\nYes.'), {
      filename: 'after.md',
      chunking,
    });
    assert.deepEqual(
      after.map((chunk) => chunk.headingPath),
      [['Still working']],
    );
  });
});
