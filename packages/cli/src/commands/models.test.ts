/** `homelab-ai models` as a user runs it, against a loopback server standing in for Hugging Face. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawnCli } from '../testing/spawn-cli.js';

const CONTENT = randomBytes(3 * 1024 * 1024);
const SHA256 = createHash('sha256').update(CONTENT).digest('hex');

/** `/…/resolve/…` redirects to `/cdn/<file>` declaring the sha256, like Hugging Face. */
function startHuggingFaceLike(paths: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    const path = request.url ?? '/';
    paths.push(path);
    if (path.includes('/resolve/')) {
      response
        .writeHead(302, {
          location: `/cdn/${path.slice(path.lastIndexOf('/') + 1)}`,
          'x-linked-etag': `"${SHA256}"`,
          'x-linked-size': String(CONTENT.length),
        })
        .end();
    } else if (path.startsWith('/cdn/')) {
      response.writeHead(200, { 'content-length': String(CONTENT.length) }).end(CONTENT);
    } else response.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('homelab-ai models', () => {
  const paths: string[] = [];
  let server: Server;
  let baseUrl: string;
  before(async () => {
    server = await startHuggingFaceLike(paths);
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('pulls a URL with progress, prints the variable line, lists and removes it', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'homelab-cli-models-'));
    const env = { HOMELAB_MODELS_DIR: modelsDir };
    const pull = spawnCli(
      [
        'models',
        'pull',
        '--url',
        `${baseUrl}/acme/tiny/resolve/main/tiny-model.gguf`,
        '--kind',
        'llm',
      ],
      env,
    );
    assert.equal((await pull.exited).code, 0, pull.output());
    assert.match(pull.output(), /pulling tiny-model\.gguf +100\.0% +3\.0\/3\.0 MB +[\d.]+ MB\/s/);
    assert.match(pull.output(), /sha256 verified against the server/);
    const path = join(modelsDir, 'tiny-model.gguf');
    assert.ok(pull.output().includes(`LLM_MODEL_PATH=${path}\n`), pull.output());
    assert.equal(
      createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
      SHA256,
    );

    const list = spawnCli(['models', 'list'], env);
    assert.equal((await list.exited).code, 0, list.output());
    assert.match(list.output(), /ID +KIND +SIZE +INSTALLED +VARIABLE/);
    assert.match(list.output(), /qwen2\.5-1\.5b-instruct-q4 +llm +1065\.6 MB +no +LLM_MODEL_PATH/);
    assert.match(list.output(), /tiny-model\.gguf +\? +3\.0 MB +yes \(verified\)/);

    const remove = spawnCli(['models', 'remove', 'tiny-model.gguf'], env);
    assert.equal((await remove.exited).code, 0, remove.output());
    assert.equal(existsSync(path), false);
  });

  it('downloads catalogue entries from HOMELAB_MODELS_MIRROR and refuses a wrong checksum', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'homelab-cli-models-'));
    const pull = spawnCli(['models', 'pull', 'bge-small-en-v1.5'], {
      HOMELAB_MODELS_DIR: modelsDir,
      HOMELAB_MODELS_MIRROR: baseUrl,
    });
    assert.equal((await pull.exited).code, 1, pull.output());
    assert.ok(
      paths.includes(
        '/CompendiumLabs/bge-small-en-v1.5-gguf/resolve/d32f8c040ea3b516330eeb75b72bcc2d3a780ab7/bge-small-en-v1.5-q8_0.gguf',
      ),
      paths.join('\n'),
    );
    assert.match(pull.output(), /checksum mismatch for bge-small-en-v1\.5-q8_0\.gguf/);
    assert.deepEqual(await readdir(modelsDir), [], 'neither the file nor a .part is left');

    const unknown = spawnCli(['models', 'pull', 'gpt-17'], { HOMELAB_MODELS_DIR: modelsDir });
    const badMirror = spawnCli(['models', 'pull', 'whisper-base'], {
      HOMELAB_MODELS_DIR: modelsDir,
      HOMELAB_MODELS_MIRROR: 'not a url',
    });
    assert.equal((await unknown.exited).code, 1);
    assert.match(unknown.output(), /no catalogue entry "gpt-17"; known ids: qwen2\.5-1\.5b/);
    assert.equal((await badMirror.exited).code, 2);
    assert.match(badMirror.output(), /HOMELAB_MODELS_MIRROR: must be an http\(s\) base URL/);
  });

  it('prints help for models and its subcommands', async () => {
    const helps = [
      ['models', '--help'],
      ['models', 'pull', '--help'],
    ].map((args) => spawnCli(args, {}));
    for (const cli of helps) {
      assert.deepEqual(await cli.exited, { code: 0, signal: null });
      assert.match(cli.output(), /Usage: homelab-ai models/);
    }
  });
});
