/** `models list` and `models remove` as seen on disk. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { CATALOGUE, catalogueUrl, findCatalogueEntry } from './catalogue.js';
import { findInstalledModel, listModels, removeModel } from './installed-models.js';
import { pullModel } from './pull-model.js';
import { startModelFileServer } from './testing/model-file-server.js';

describe('listModels / removeModel', () => {
  it('lists every catalogue entry, marks installed ones, and adds other model files', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'homelab-models-'));
    const before = await listModels(modelsDir);
    assert.equal(before.length, CATALOGUE.length);
    assert.ok(before.every((listing) => !listing.installed));

    await writeFile(join(modelsDir, 'bge-small-en-v1.5-q8_0.gguf'), randomBytes(1000));
    await writeFile(join(modelsDir, 'ggml-base.en.bin.part'), randomBytes(300));
    const server = await startModelFileServer({ content: randomBytes(2000) });
    try {
      await pullModel({ url: `${server.baseUrl}/x/y/resolve/main/my-own.gguf`, modelsDir });
    } finally {
      await server.close();
    }
    await writeFile(join(modelsDir, 'notes.txt'), 'not a model');

    const listings = await listModels(modelsDir);
    const bge = listings.find((listing) => listing.id === 'bge-small-en-v1.5');
    assert.equal(bge?.installed, true);
    assert.equal(bge?.sizeOnDisk, 1000);
    assert.equal(bge?.variable, 'EMBEDDINGS_MODEL_PATH');
    const whisper = listings.find((listing) => listing.id === 'whisper-base.en');
    assert.equal(whisper?.installed, false);
    assert.equal(whisper?.partialBytes, 300);
    const own = listings.find((listing) => listing.file === 'my-own.gguf');
    assert.equal(own?.installed, true);
    assert.equal(own?.entry, undefined);
    assert.equal(own?.record?.sizeBytes, 2000);
    assert.equal(listings.length, CATALOGUE.length + 1, 'notes.txt and .part files are not models');

    assert.equal(
      await findInstalledModel(modelsDir, 'embedding'),
      join(modelsDir, 'bge-small-en-v1.5-q8_0.gguf'),
    );
    assert.equal(await findInstalledModel(modelsDir, 'llm'), undefined);
  });

  it('removes a model by id or file name, with its record and part, and refuses unknown ones', async () => {
    const modelsDir = await mkdtemp(join(tmpdir(), 'homelab-models-'));
    await writeFile(join(modelsDir, 'ggml-base.bin'), randomBytes(10));
    await writeFile(join(modelsDir, 'ggml-base.bin.install.json'), '{}');
    const removed = await removeModel(modelsDir, 'whisper-base');
    assert.deepEqual(removed, [join(modelsDir, 'ggml-base.bin')]);
    assert.equal(existsSync(join(modelsDir, 'ggml-base.bin.install.json')), false);

    await writeFile(join(modelsDir, 'mine.gguf'), randomBytes(10));
    await removeModel(modelsDir, 'mine.gguf');
    assert.equal(existsSync(join(modelsDir, 'mine.gguf')), false);

    await assert.rejects(
      removeModel(modelsDir, 'whisper-base'),
      (error: unknown) => error instanceof PlatformError && error.code === 'not_found',
    );
    await assert.rejects(removeModel(modelsDir, '../etc/passwd'), /neither a catalogue id/);
  });

  it('builds Hugging Face resolve URLs, or mirror URLs', () => {
    const entry = findCatalogueEntry('qwen2.5-1.5b-instruct-q4');
    assert.ok(entry);
    assert.equal(
      catalogueUrl(entry),
      'https://huggingface.co/Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/91cad51170dc346986eccefdc2dd33a9da36ead9/qwen2.5-1.5b-instruct-q4_k_m.gguf',
    );
    assert.match(catalogueUrl(entry, 'http://mirror.lan/hf/'), /^http:\/\/mirror\.lan\/hf\/Qwen\//);
    for (const known of CATALOGUE) {
      assert.match(known.sha256 ?? '', /^[0-9a-f]{64}$/, `${known.id} has a sha256`);
      assert.ok((known.sizeBytes ?? 0) > 1_000_000, `${known.id} has a size`);
    }
  });
});
