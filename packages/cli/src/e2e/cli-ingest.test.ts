/** `homelab-ai ingest` against a running `homelab-ai up`: files and folders in, searchable out. */
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generatePdfFromPages } from '@homelab-ai/knowledge/testing';
import { spawnCli, type CliProcess } from '../testing/spawn-cli.js';

const TOKEN = 'hlai_test_bootstrap_token_for_ingest_0001';

describe('homelab-ai ingest', () => {
  let platform: CliProcess;
  let url: string;
  before(async () => {
    platform = spawnCli(['up'], { PORT: '0', HOMELAB_BOOTSTRAP_TOKEN: TOKEN });
    [, url = ''] = await platform.waitFor(/Homelab AI is up at (http:\/\/127\.0\.0\.1:\d+)/);
  });
  after(() => platform.kill());

  it('uploads a folder with progress, waits for indexing, and the facts are searchable', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'homelab-ingest-'));
    await mkdir(join(folder, 'sub'));
    await writeFile(
      join(folder, 'notes.md'),
      '# Garden\n\nThe tomato seedlings go out after the last frost in May.\n',
    );
    await writeFile(
      join(folder, 'sub', 'boiler.pdf'),
      await generatePdfFromPages([
        ['The boiler service code is BX-2207 and the pressure should read 1.5 bar.'],
      ]),
    );
    const ingest = spawnCli(['ingest', folder, '--collection', 'home', '--url', url], {
      HOMELAB_API_TOKEN: TOKEN,
    });
    const { code } = await ingest.exited;
    assert.equal(code, 0, ingest.output());
    assert.match(ingest.output(), /notes\.md \[#+\] 100%/);
    assert.match(ingest.output(), /boiler\.pdf: indexed, \d+ chunks/);

    const response = await fetch(`${url}/api/collections/home/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ query: 'BX-2207 pressure', top_k: 3 }),
    });
    const body = (await response.json()) as {
      passages: { text: string; source: string }[];
      mode: string;
    };
    assert.equal(body.mode, 'lexical', 'no embedding model in a bare `up`');
    assert.match(body.passages[0]?.text ?? '', /1\.5 bar/);
    assert.equal(body.passages[0]?.source, 'boiler.pdf');
  });

  it('reports a document that fails, with its reason, and exits 1', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'homelab-ingest-bad-'));
    await writeFile(join(folder, 'broken.pdf'), '%PDF-1.7\nthis is not really a pdf');
    const ingest = spawnCli(
      ['ingest', join(folder, 'broken.pdf'), '-c', 'home', '--url', url, '--token', TOKEN],
      {},
    );
    assert.equal((await ingest.exited).code, 1);
    assert.match(ingest.output(), /broken\.pdf: FAILED: .*PDF/);
  });

  it('says how to get an API token when it has none', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'homelab-ingest-anon-'));
    await writeFile(join(folder, 'note.md'), '# Note\n\nhello\n');
    const ingest = spawnCli(['ingest', folder, '-c', 'home', '--url', url], {});
    assert.equal((await ingest.exited).code, 1);
    assert.match(ingest.output(), /API token.*--token.*HOMELAB_API_TOKEN/);
  });
});
