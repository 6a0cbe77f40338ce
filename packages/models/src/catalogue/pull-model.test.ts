/** The downloader against a loopback server that behaves like Hugging Face and its CDN. */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { eventually } from '@homelab-ai/testkit';
import type { CatalogueEntry } from './catalogue.js';
import { pullModel } from './pull-model.js';
import { readInstallRecord } from './install-record.js';
import { startModelFileServer, type ModelFileServer } from './testing/model-file-server.js';

const CONTENT = randomBytes(4 * 1024 * 1024 + 123);
const CONTENT_SHA256 = createHash('sha256').update(CONTENT).digest('hex');

function testEntry(overrides: Partial<CatalogueEntry> = {}): CatalogueEntry {
  return {
    id: 'test-model',
    kind: 'llm',
    description: 'random bytes standing in for a model',
    repo: 'example/test-model-GGUF',
    revision: 'abc123',
    file: 'test-model.gguf',
    sizeBytes: CONTENT.length,
    sha256: CONTENT_SHA256,
    licence: 'MIT',
    ...overrides,
  };
}

const bodyRequests = (server: ModelFileServer) =>
  server.requests.filter((request) => request.path.startsWith('/cdn/'));

async function withServer(
  options: Parameters<typeof startModelFileServer>[0],
  run: (server: ModelFileServer, modelsDir: string) => Promise<void>,
): Promise<void> {
  const server = await startModelFileServer(options);
  const modelsDir = await mkdtemp(join(tmpdir(), 'homelab-models-'));
  try {
    await run(server, modelsDir);
  } finally {
    await server.close();
  }
}

describe('pullModel', () => {
  it('downloads a catalogue entry through the mirror and its redirect, verifying sha256', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      const progress: number[] = [];
      const result = await pullModel({
        entry: testEntry(),
        modelsDir,
        mirror: server.baseUrl,
        onProgress: (update) => progress.push(update.receivedBytes),
      });
      assert.equal(
        server.requests[0]?.path,
        '/example/test-model-GGUF/resolve/abc123/test-model.gguf',
      );
      assert.equal(result.verifiedAgainst, 'catalogue');
      assert.equal(result.sha256, CONTENT_SHA256);
      assert.ok((await readFile(join(modelsDir, 'test-model.gguf'))).equals(CONTENT));
      assert.equal(existsSync(join(modelsDir, 'test-model.gguf.part')), false);
      assert.equal(progress.at(-1), CONTENT.length);
      const record = await readInstallRecord(modelsDir, 'test-model.gguf');
      assert.equal(record?.id, 'test-model');
      assert.equal(record?.sha256, CONTENT_SHA256);
      assert.equal(record?.sizeBytes, CONTENT.length);
      assert.match(record?.source ?? '', /\/resolve\/abc123\/test-model\.gguf$/);

      const again = await pullModel({ entry: testEntry(), modelsDir, mirror: server.baseUrl });
      assert.equal(
        again.alreadyInstalled,
        true,
        'a second pull of a verified file downloads nothing',
      );
      assert.equal(bodyRequests(server).length, 1);
    });
  });

  it('verifies a URL pull against the checksum the server declares (X-Linked-Etag)', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      const result = await pullModel({
        url: `${server.baseUrl}/someone/repo/resolve/main/any-file.gguf`,
        modelsDir,
      });
      assert.equal(result.file, 'any-file.gguf');
      assert.equal(result.verifiedAgainst, 'server');
      assert.ok((await readFile(result.path)).equals(CONTENT));
    });
  });

  it('resumes with a Range request after the connection drops mid-way', async () => {
    const modelsDirHolder: { dir?: string } = {};
    const partHasBytes = async () => {
      await eventually(async () => {
        const dir = modelsDirHolder.dir ?? '';
        const size = await stat(join(dir, 'test-model.gguf.part')).then(
          (s) => s.size,
          () => 0,
        );
        return size > 0 ? true : undefined;
      }, 'bytes in the .part before the drop');
    };
    await withServer(
      { content: CONTENT, dropAfterBytes: 1_500_000, beforeDrop: partHasBytes },
      async (server, modelsDir) => {
        modelsDirHolder.dir = modelsDir;
        const result = await pullModel({
          entry: testEntry(),
          modelsDir,
          mirror: server.baseUrl,
          retryDelayMs: 10,
        });
        const [first, second] = bodyRequests(server);
        assert.equal(first?.range, undefined);
        const resumedAt = Number(second?.range?.match(/^bytes=(\d+)-$/)?.[1]);
        assert.ok(resumedAt > 0 && resumedAt <= 1_500_000, `resumed at ${second?.range}`);
        assert.equal(second?.status, 206);
        assert.equal(result.sha256, CONTENT_SHA256);
        assert.ok((await readFile(result.path)).equals(CONTENT));
      },
    );
  });

  it('resumes a .part left by an earlier run, and restarts when the server ignores Range', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      await writeFile(join(modelsDir, 'test-model.gguf.part'), CONTENT.subarray(0, 1_000_000));
      const result = await pullModel({ entry: testEntry(), modelsDir, mirror: server.baseUrl });
      assert.equal(result.resumedFromBytes, 1_000_000);
      assert.equal(bodyRequests(server)[0]?.range, 'bytes=1000000-');
      assert.ok((await readFile(result.path)).equals(CONTENT));
    });
    await withServer({ content: CONTENT, ignoreRange: true }, async (server, modelsDir) => {
      await writeFile(join(modelsDir, 'test-model.gguf.part'), randomBytes(1_000_000));
      const result = await pullModel({ entry: testEntry(), modelsDir, mirror: server.baseUrl });
      assert.equal(bodyRequests(server)[0]?.status, 200);
      assert.ok((await readFile(result.path)).equals(CONTENT), 'the stale part was overwritten');
    });
  });

  it('finishes from a complete .part when the server answers 416', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      await writeFile(join(modelsDir, 'test-model.gguf.part'), CONTENT);
      const result = await pullModel({ entry: testEntry(), modelsDir, mirror: server.baseUrl });
      assert.equal(bodyRequests(server)[0]?.status, 416);
      assert.equal(result.sha256, CONTENT_SHA256);
    });
  });

  it('fails on a checksum mismatch with a clear error and leaves no file', async () => {
    const otherSha = createHash('sha256').update('another file').digest('hex');
    // The server declares the sha256 we expect but serves different bytes.
    await withServer({ content: CONTENT, declaredSha256: otherSha }, async (server, modelsDir) => {
      await assert.rejects(
        pullModel({
          entry: testEntry({ sha256: otherSha }),
          modelsDir,
          mirror: server.baseUrl,
        }),
        (error: unknown) =>
          error instanceof PlatformError &&
          error.code === 'model_rejected' &&
          /checksum mismatch for test-model\.gguf/.test(error.message) &&
          error.message.includes(otherSha) &&
          error.message.includes(CONTENT_SHA256),
      );
      assert.deepEqual(await readdir(modelsDir), [], 'neither the file nor its .part is left');
    });
    // The server declares a different sha256 than the catalogue: refused before downloading.
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      await assert.rejects(
        pullModel({ entry: testEntry({ sha256: otherSha }), modelsDir, mirror: server.baseUrl }),
        /declares sha256 .* expected/,
      );
      assert.equal(bodyRequests(server)[0]?.status, undefined, 'no body was served');
      assert.deepEqual(await readdir(modelsDir), []);
    });
  });

  it('gives up after the retries with a message saying how to resume, keeping the .part', async () => {
    await withServer(
      { content: CONTENT, dropAfterBytes: 100_000, drops: 10 },
      async (server, modelsDir) => {
        await assert.rejects(
          pullModel({
            entry: testEntry(),
            modelsDir,
            mirror: server.baseUrl,
            retries: 2,
            retryDelayMs: 5,
          }),
          (error: unknown) =>
            error instanceof PlatformError &&
            error.code === 'unavailable' &&
            /gave up after 3 attempts; run the pull again to resume/.test(error.message),
        );
        assert.equal(bodyRequests(server).length, 3);
        assert.equal(existsSync(join(modelsDir, 'test-model.gguf')), false);
        assert.ok(existsSync(join(modelsDir, 'test-model.gguf.part')), 'the part stays for later');
      },
    );
  });

  it('stops when cancelled, keeping the .part so the next pull resumes', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      const abort = new AbortController();
      await assert.rejects(
        pullModel({
          entry: testEntry(),
          modelsDir,
          mirror: server.baseUrl,
          signal: abort.signal,
          onProgress: (progress) => {
            if (progress.receivedBytes > 1_000_000) abort.abort();
          },
        }),
        (error: unknown) =>
          error instanceof PlatformError &&
          error.code === 'cancelled' &&
          /the next pull resumes from it/.test(error.message),
      );
      const kept = (await stat(join(modelsDir, 'test-model.gguf.part'))).size;
      assert.ok(kept > 0 && kept < CONTENT.length, `kept ${kept} bytes`);
      const result = await pullModel({ entry: testEntry(), modelsDir, mirror: server.baseUrl });
      assert.equal(result.resumedFromBytes, kept);
      assert.ok((await readFile(result.path)).equals(CONTENT));
    });
  });

  it('says 404 plainly and does not retry it', async () => {
    await withServer({ content: CONTENT }, async (server, modelsDir) => {
      await assert.rejects(
        pullModel({ url: `${server.baseUrl}/nothing/here.gguf`, modelsDir, retryDelayMs: 5 }),
        (error: unknown) => error instanceof PlatformError && error.code === 'not_found',
      );
      assert.equal(server.requests.length, 1);
    });
  });
});
