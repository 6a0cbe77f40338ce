// Ingestion: from the start of an upload to the document being searchable, through the whole
// platform in this process (gateway → bus → pipeline bridge → parse, chunk, embed, index), with
// an instant loopback embedder so that the figure is the platform's own cost. Also pages/s with
// the tiny GGUF embedder.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@homelab-ai/config';
import { generateMarkdown, generateTestPdf } from '@homelab-ai/knowledge/testing';
import { startLoopbackOpenAiEmbeddings } from '@homelab-ai/models/testing';
import { createSilentLogger } from '@homelab-ai/observability';
import { createPlatform, startRoles } from '@homelab-ai/platform';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import { onCleanup } from './cleanup.js';
import { median } from './stats.js';

async function startPlatform(env) {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-bench-ingest-'));
  const config = loadConfig({ PORT: '0', HOMELAB_DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const platform = await createPlatform(config, { logger: createSilentLogger() });
  const roles = await startRoles(platform, ['gateway', 'pipeline-bridge']);
  onCleanup(() => roles.stop());
  return roles.url;
}

async function post(base, path, body) {
  const response = await fetch(`${base}${path}`, body);
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}

/** Milliseconds from the upload's first byte to status `indexed` (polled every 2 ms). */
async function timeToSearchable(base, collection, bytes, filename) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const started = performance.now();
  const { document_id } = await post(base, `/api/collections/${collection}/documents`, {
    method: 'POST',
    body: form,
  });
  for (;;) {
    const document = await (await fetch(`${base}/api/documents/${document_id}`)).json();
    if (document.status === 'indexed') {
      return { ms: performance.now() - started, chunks: document.chunk_count };
    }
    if (document.status === 'failed') throw new Error(`${filename}: ${document.error}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function measure(base, name, bytes, filename, runs) {
  const results = [];
  for (let run = 0; run < runs; run++) {
    const collection = `${name}-${run}`;
    await post(base, '/api/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: collection }),
    });
    results.push(await timeToSearchable(base, collection, bytes, filename));
  }
  return {
    ms: median(results.map((result) => result.ms)),
    chunks: results[0].chunks,
    runs: results.map((r) => Math.round(r.ms)),
  };
}

export async function benchIngestion() {
  const embeddings = await startLoopbackOpenAiEmbeddings({ dimensions: 384 });
  onCleanup(() => embeddings.close());
  const base = await startPlatform({ EMBEDDINGS_URL: embeddings.baseUrl });
  const pdf = await generateTestPdf(100, 8);
  const markdown = new TextEncoder().encode(generateMarkdown(1024 * 1024));
  // Warm up: the database and vector store open, code paths JIT-compiled.
  await measure(base, 'warmup', await generateTestPdf(5, 8), 'warmup.pdf', 2);
  const pdfResult = await measure(base, 'pdf', pdf, 'manual.pdf', 5);
  const markdownResult = await measure(base, 'markdown', markdown, 'handbook.md', 5);

  const directory = await mkdtemp(join(tmpdir(), 'homelab-bench-gguf-'));
  const { path } = await writeTinyLlamaGguf(join(directory, 'embed.gguf'));
  const tinyBase = await startPlatform({ EMBEDDINGS_MODEL_PATH: path, LLM_THREADS: '1' });
  const tinyPdf = await generateTestPdf(20, 8);
  await measure(tinyBase, 'warmup', await generateTestPdf(2, 8), 'warmup.pdf', 1);
  const tiny = await measure(tinyBase, 'tiny', tinyPdf, 'tiny.pdf', 3);
  return {
    pdf: pdfResult,
    markdown: markdownResult,
    tinyPagesPerSecond: 20 / (tiny.ms / 1000),
    tiny,
  };
}

export function ingestionRows(result) {
  return [
    {
      figure: `100-page PDF (${result.pdf.chunks} chunks) upload → searchable`,
      measured: `${Math.round(result.pdf.ms)} ms (runs ${result.pdf.runs.join(', ')})`,
      target: '≤ 500 ms (AnythingLLM 709 ms)',
      pass: result.pdf.ms <= 500,
    },
    {
      figure: `1 MB Markdown (${result.markdown.chunks} chunks) upload → searchable`,
      measured: `${Math.round(result.markdown.ms)} ms (runs ${result.markdown.runs.join(', ')})`,
      target: '≤ 650 ms (AnythingLLM 939 ms)',
      pass: result.markdown.ms <= 650,
    },
    {
      figure: 'Ingestion with the tiny GGUF embedder',
      measured: `${result.tinyPagesPerSecond.toFixed(1)} pages/s`,
      target: '—',
    },
  ];
}
