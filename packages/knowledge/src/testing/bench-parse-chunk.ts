/**
 * Measures parse + chunk time for a 100-page text PDF (5 paragraphs a page) and a 1 MB
 * Markdown file. Run after a build: `node packages/knowledge/dist/testing/bench-parse-chunk.js`.
 */
import { chunkDocument } from '../chunk/index.js';
import { parseDocument } from '../parse/index.js';
import { generateMarkdown } from './generate-markdown.js';
import { generateTestPdf } from './generate-pdf.js';

const RUNS = 5;

async function median(run: () => Promise<void> | void): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index < RUNS; index += 1) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

async function measure(label: string, bytes: Uint8Array, filename: string): Promise<void> {
  const parsed = await parseDocument(bytes, { filename });
  const chunks = chunkDocument(parsed);
  const parseMs = await median(async () => {
    await parseDocument(bytes, { filename });
  });
  const chunkMs = await median(() => {
    chunkDocument(parsed);
  });
  const tokens = chunks.reduce((sum, chunk) => sum + chunk.tokenCount, 0);
  console.log(
    `${label}: ${(bytes.length / 1024).toFixed(0)} KB, ${parsed.sections.length} sections → ` +
      `${chunks.length} chunks (${tokens} tokens); median of ${RUNS}: parse ${parseMs.toFixed(1)} ms, ` +
      `chunk ${chunkMs.toFixed(1)} ms, total ${(parseMs + chunkMs).toFixed(1)} ms`,
  );
}

const pdf = await generateTestPdf(100, 5);
await measure('100-page PDF', pdf, 'bench.pdf');
const markdown = new TextEncoder().encode(generateMarkdown(1024 * 1024));
await measure('1 MB Markdown', markdown, 'bench.md');
