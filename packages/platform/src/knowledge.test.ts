import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '@homelab-ai/config';
import { decodeMessage, encodeMessage, type PipelineStatus } from '@homelab-ai/contracts';
import { generatePdfFromPages, generateTestDocx } from '@homelab-ai/knowledge/testing';
import {
  startLoopbackOpenAiEmbeddings,
  type LoopbackOpenAiEmbeddings,
} from '@homelab-ai/models/testing';
import { createSilentLogger } from '@homelab-ai/observability';
import { startNatsServer, type NatsServerHandle } from '@homelab-ai/testkit';
import { createPlatform, type Platform } from './platform.js';
import { startRoles, type RunningRoles } from './roles.js';

/** Retries `check` until it stops throwing (an assertion not true yet) or time runs out. */
async function until<T>(check: () => T | Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

interface Started {
  platform: Platform;
  roles: RunningRoles;
  statuses: PipelineStatus[];
}

let imports: string;
/** Stored as an admin API token at the first start; every API call below carries it. */
const TOKEN = 'hlai_test_bootstrap_token_for_knowledge_01';

async function start(env: Record<string, string>): Promise<Started> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-knowledge-'));
  imports = await mkdtemp(join(tmpdir(), 'homelab-imports-'));
  const config = loadConfig({
    PORT: '0',
    HOMELAB_DATA_DIR: dataDir,
    INGEST_LOCAL_ROOTS: imports,
    HOMELAB_BOOTSTRAP_TOKEN: TOKEN,
    ...env,
  });
  const platform = await createPlatform(config, { logger: createSilentLogger() });
  const statuses: PipelineStatus[] = [];
  await platform.bus.subscribe('ai.pipeline.status.*', (message) => {
    statuses.push(decodeMessage(message.data) as PipelineStatus);
  });
  const roles = await startRoles(platform, ['gateway', 'pipeline-bridge']);
  return { platform, roles, statuses };
}

async function api(base: string, path: string, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${TOKEN}`);
  const response = await fetch(`${base}${path}`, { ...init, headers });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
  };
}

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

function upload(bytes: Uint8Array, filename: string, type = 'application/octet-stream') {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), filename);
  return { method: 'POST', body: form };
}

async function indexed(base: string, documentId: string) {
  return until(async () => {
    const { body } = await api(base, `/api/documents/${documentId}`);
    assert.ok(
      body.status === 'indexed' || body.status === 'failed',
      `still ${String(body.status)}`,
    );
    return body;
  }, 60_000);
}

interface Passage {
  text: string;
  source: string;
  page: number | null;
  heading_path: string[];
  matched_by: string[];
}

async function search(base: string, collection: string, query: string) {
  const { status, body } = await api(
    base,
    `/api/collections/${collection}/search`,
    json({ query, top_k: 5 }),
  );
  assert.equal(status, 200, JSON.stringify(body));
  return body as { passages: Passage[]; mode: string; notices: string[] };
}

const PDF_PAGES = [
  ['The Orion lamp ships with a braided cable and a walnut base.'],
  ['Warranty: every Orion lamp is covered for seven years from the date of purchase.'],
  ['Cleaning: wipe the shade with a dry cloth; never use solvents.'],
];

function describeOverBus(name: string, env: () => Record<string, string>) {
  describe(`knowledge end to end over ${name}`, () => {
    let started: Started;
    let base: string;
    before(async () => {
      started = await start(env());
      base = started.roles.url;
    });
    after(() => started.roles.stop());

    it('indexes an uploaded PDF and DOCX, reports run statuses, and retrieves a fact from each', async () => {
      assert.equal((await api(base, '/api/collections', json({ name: 'manuals' }))).status, 201);
      const pdf = await generatePdfFromPages(PDF_PAGES, 'Orion lamp manual');
      const docx = await generateTestDocx([
        {
          heading: { text: 'Kettle K2', level: 1 },
          paragraphs: ['The K2 kettle boils one litre in ninety seconds.'],
        },
        {
          heading: { text: 'Spare parts', level: 2 },
          paragraphs: ['Replacement filters carry the part number ZQ-7741-B.'],
        },
      ]);
      const first = await api(
        base,
        '/api/collections/manuals/documents',
        upload(pdf, 'orion.pdf', 'application/pdf'),
      );
      const second = await api(
        base,
        '/api/collections/manuals/documents',
        upload(docx, 'kettle.docx'),
      );
      assert.equal(first.status, 202, JSON.stringify(first.body));
      assert.equal(second.status, 202);
      for (const accepted of [first.body, second.body]) {
        const document = await indexed(base, String(accepted.document_id));
        assert.equal(document.status, 'indexed', String(document.error));
        assert.ok(Number(document.chunk_count) > 0);
        await until(() =>
          assert.equal(
            started.statuses.filter((status) => status.request_id === accepted.run_id).at(-1)
              ?.status,
            'succeeded',
          ),
        );
        const sequence = started.statuses
          .filter((status) => status.request_id === accepted.run_id)
          .map((status) => status.status);
        assert.equal(sequence[0], 'submitted');
        assert.ok(sequence.includes('running'));
        assert.equal(sequence.at(-1), 'succeeded');
        assert.ok(
          started.statuses.some(
            (status) => status.request_id === accepted.run_id && status.step === 'embed-index',
          ),
        );
      }

      const warranty = await search(base, 'manuals', 'How long is the Orion lamp warranty?');
      assert.equal(warranty.mode, 'hybrid');
      assert.match(warranty.passages[0]?.text ?? '', /seven years/);
      assert.equal(warranty.passages[0]?.source, 'orion.pdf');
      assert.equal(warranty.passages[0]?.page, 2);

      const kettle = await search(base, 'manuals', 'how fast does the K2 kettle boil water');
      assert.match(kettle.passages[0]?.text ?? '', /ninety seconds/);
      assert.deepEqual(kettle.passages[0]?.heading_path, ['Kettle K2']);

      const code = await search(base, 'manuals', 'ZQ-7741-B');
      assert.match(code.passages[0]?.text ?? '', /ZQ-7741-B/);
      assert.ok(code.passages[0]?.matched_by.includes('lexical'));
    });

    it('fails bad documents with a clear reason and leaves the collection searchable', async () => {
      await api(base, '/api/collections', json({ name: 'junk' }));
      const truncated = (await generatePdfFromPages([['Some text that will be cut.']])).slice(
        0,
        200,
      );
      const corrupt = await api(
        base,
        '/api/collections/junk/documents',
        upload(truncated, 'broken.pdf'),
      );
      assert.equal(corrupt.status, 202);
      const failed = await indexed(base, String(corrupt.body.document_id));
      assert.equal(failed.status, 'failed');
      assert.match(String(failed.error), /PDF/i);

      const binary = await api(
        base,
        '/api/collections/junk/documents',
        upload(new Uint8Array([0, 159, 146, 150, 0, 1, 2]), 'blob.bin'),
      );
      const unsupported = await indexed(base, String(binary.body.document_id));
      assert.equal(unsupported.status, 'failed');
      assert.match(String(unsupported.error), /supported/i);

      const empty = await api(
        base,
        '/api/collections/junk/documents',
        upload(new Uint8Array(), 'empty.txt'),
      );
      assert.equal(empty.status, 400);
      assert.match(JSON.stringify(empty.body), /empty/);

      const ssrf = await api(
        base,
        '/api/collections/junk/documents',
        json({ source_url: 'http://127.0.0.1:9/secret' }),
      );
      assert.equal(ssrf.status, 202);
      await until(() => {
        const last = started.statuses
          .filter((status) => status.request_id === ssrf.body.run_id)
          .at(-1);
        assert.equal(last?.status, 'failed');
        assert.match(last?.error ?? '', /private address/);
      });
    });

    it('ingests a server folder triggered over the bus, and lists the pipelines for an unknown one', async () => {
      const { platform, statuses } = started;
      await writeFile(
        join(imports, 'faq.md'),
        '# FAQ\n\nThe office plants are watered on Thursdays.\n',
      );
      await platform.bus.publish(
        'ai.pipeline.trigger',
        encodeMessage({
          request_id: 'bus-ingest-1',
          pipeline: 'document-ingestion',
          parameters: { 'source-url': imports, 'collection-name': 'from-bus' },
        }),
      );
      await until(() =>
        assert.equal(
          statuses.filter((status) => status.request_id === 'bus-ingest-1').at(-1)?.status,
          'succeeded',
        ),
      );
      const found = await search(base, 'from-bus', 'when are plants watered');
      assert.match(found.passages[0]?.text ?? '', /Thursdays/);

      await platform.bus.publish(
        'ai.pipeline.trigger',
        encodeMessage({
          request_id: 'bus-unknown-1',
          pipeline: 'no-such-pipeline',
          parameters: {},
        }),
      );
      const error = await until(() => {
        const status = statuses.find((candidate) => candidate.request_id === 'bus-unknown-1');
        assert.ok(status);
        return status;
      });
      assert.equal(error.status, 'error');
      assert.deepEqual(error.available_pipelines, ['document-ingestion']);
    });

    it('keeps users apart from missing things: unknown collection 404, bad body 400', async () => {
      assert.equal(
        (await api(base, '/api/collections/nope/search', json({ query: 'x' }))).status,
        404,
      );
      assert.equal(
        (await api(base, '/api/collections/manuals/search', json({ top_k: 3 }))).status,
        400,
      );
      assert.equal(
        (await api(base, '/api/documents/00000000-0000-0000-0000-000000000000')).status,
        404,
      );
    });

    it('deleting a document removes its passages', async () => {
      const text = new TextEncoder().encode('The lighthouse keeper counts 212 stairs every night.');
      const accepted = await api(
        base,
        '/api/collections/manuals/documents',
        upload(text, 'lighthouse.txt', 'text/plain'),
      );
      await indexed(base, String(accepted.body.document_id));
      assert.match(
        (await search(base, 'manuals', 'lighthouse stairs')).passages[0]?.text ?? '',
        /212 stairs/,
      );
      assert.equal(
        (
          await api(base, `/api/documents/${String(accepted.body.document_id)}`, {
            method: 'DELETE',
          })
        ).status,
        204,
      );
      const after = await search(base, 'manuals', 'lighthouse stairs');
      assert.ok(after.passages.every((passage) => !passage.text.includes('212 stairs')));
    });
  });
}

let embeddings: LoopbackOpenAiEmbeddings;
let nats: NatsServerHandle;
before(async () => {
  embeddings = await startLoopbackOpenAiEmbeddings();
  nats = await startNatsServer();
});
after(async () => {
  await embeddings.close();
  await nats.stop();
});

describeOverBus('the embedded bus', () => ({ EMBEDDINGS_URL: embeddings.baseUrl }));
describeOverBus('NATS', () => ({ EMBEDDINGS_URL: embeddings.baseUrl, NATS_URL: nats.url }));
