// Ingestion: from the start of an upload to the document being searchable, through the whole
// platform in this process (gateway → bus → pipeline bridge → parse, chunk, embed, index), with
// an instant loopback embedder so that the figure is the platform's own cost. Also pages/s with
// the tiny GGUF embedder.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@homelab-ai/config';
import { generateMarkdown, generateTestPdf } from '@homelab-ai/knowledge/testing';
import { decodeMessage } from '@homelab-ai/contracts';
import { createSilentLogger } from '@homelab-ai/observability';
import { createPlatform, startRoles } from '@homelab-ai/platform';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import { onCleanup } from './cleanup.js';
import { median } from './stats.js';

/** Stored as an admin API token at the first start; every request below carries it. */
const TOKEN = 'hlai_bench_bootstrap_token_ingestion_0001';
const auth = { authorization: `Bearer ${TOKEN}` };

async function startPlatform(env) {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-bench-ingest-'));
  const config = loadConfig({
    PORT: '0',
    HOMELAB_DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HOMELAB_BOOTSTRAP_TOKEN: TOKEN,
    ...env,
  });
  const platform = await createPlatform(config, { logger: createSilentLogger() });
  const roles = await startRoles(platform, ['gateway', 'pipeline-bridge']);
  onCleanup(() => roles.stop());
  // Finished runs, by request id: a client learns that its document is searchable from the
  // `succeeded` status on the bus, without polling.
  const finished = new Map();
  await platform.bus.subscribe('ai.pipeline.status.*', (message) => {
    const status = decodeMessage(message.data);
    if (status.status === 'succeeded' || status.status === 'failed') {
      finished.get(status.request_id)?.(status);
    }
  });
  return { base: roles.url, finished };
}

async function startEmbedderProcess() {
  const child = spawn(
    process.execPath,
    [new URL('./loopback-embedder-process.js', import.meta.url).pathname],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  onCleanup(() => child.kill('SIGTERM'));
  const [line] = await once(child.stdout, 'data');
  return String(line).trim();
}

async function post(base, path, body) {
  const response = await fetch(`${base}${path}`, {
    ...body,
    headers: { ...body.headers, ...auth },
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}

/** Milliseconds from the upload's first byte to the run's `succeeded` status on the bus. */
async function timeToSearchable(platform, collection, bytes, filename) {
  const form = new FormData();
  form.append('file', new Blob([bytes]), filename);
  const started = performance.now();
  const response = await fetch(`${platform.base}/api/collections/${collection}/documents`, {
    method: 'POST',
    headers: auth,
    body: form,
  });
  const accepted = await response.json();
  if (response.status !== 202) throw new Error(`${filename}: ${JSON.stringify(accepted)}`);
  const status = await new Promise((resolve) => platform.finished.set(accepted.run_id, resolve));
  const ms = performance.now() - started;
  if (status.status !== 'succeeded') throw new Error(`${filename}: ${status.error}`);
  const document = await (
    await fetch(`${platform.base}/api/documents/${accepted.document_id}`, { headers: auth })
  ).json();
  if (document.status !== 'indexed') throw new Error(`${filename}: ${document.status}`);
  return { ms, chunks: document.chunk_count };
}

async function measure(platform, name, bytes, filename, runs) {
  const results = [];
  for (let run = 0; run < runs; run++) {
    const collection = `${name}-${run}`;
    await post(platform.base, '/api/collections', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: collection }),
    });
    results.push(await timeToSearchable(platform, collection, bytes, filename));
  }
  return {
    ms: median(results.map((result) => result.ms)),
    chunks: results[0].chunks,
    runs: results.map((r) => Math.round(r.ms)),
  };
}

export async function benchIngestion() {
  const embeddingsUrl = await startEmbedderProcess();
  const platform = await startPlatform({ EMBEDDINGS_URL: embeddingsUrl });
  const pdf = await generateTestPdf(100, 8);
  const markdown = new TextEncoder().encode(generateMarkdown(1024 * 1024));
  // Warm up: the database and vector store open, code paths JIT-compiled.
  await measure(platform, 'warmup', await generateTestPdf(5, 8), 'warmup.pdf', 2);
  await measure(platform, 'warmup-md', markdown, 'warmup.md', 1);
  const pdfResult = await measure(platform, 'pdf', pdf, 'manual.pdf', 5);
  const markdownResult = await measure(platform, 'markdown', markdown, 'handbook.md', 5);

  const directory = await mkdtemp(join(tmpdir(), 'homelab-bench-gguf-'));
  const { path } = await writeTinyLlamaGguf(join(directory, 'embed.gguf'));
  const tinyPlatform = await startPlatform({ EMBEDDINGS_MODEL_PATH: path, LLM_THREADS: '1' });
  const tinyPdf = await generateTestPdf(20, 8);
  await measure(tinyPlatform, 'warmup', await generateTestPdf(2, 8), 'warmup.pdf', 1);
  const tiny = await measure(tinyPlatform, 'tiny', tinyPdf, 'tiny.pdf', 3);
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
