/**
 * The whisper.cpp Transcriber without a model: it must say which file is missing and how to get
 * one, and never pretend to be healthy. (With a model: `whisper-transcriber.model.test.ts`.)
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { createWhisperTranscriber } from './whisper-transcriber.js';
import { encodeMonoWav } from './wav.js';

describe('whisper.cpp Transcriber without its model file', () => {
  const modelPath = '/nonexistent/models/ggml-base.en.bin';
  const transcriber = createWhisperTranscriber({ modelPath });

  it('rejects with model_not_configured naming the file and the pull command', async () => {
    const silence = encodeMonoWav(new Float32Array(16_000), 16_000);
    await assert.rejects(transcriber.transcribe({ audio: silence }), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'model_not_configured');
      assert.ok(error.message.includes(modelPath), error.message);
      assert.match(error.message, /homelab-ai models pull whisper-base/);
      return true;
    });
  });

  it('reports itself unhealthy with the same advice', async () => {
    const health = await transcriber.health();
    assert.equal(health.healthy, false);
    assert.match(health.detail, /ggml-base\.en\.bin.*models pull whisper-base/);
    assert.equal(transcriber.adapter, 'whisper.cpp');
    assert.equal(transcriber.modelName, 'ggml-base.en.bin');
  });

  it('says a corrupt model file is not a whisper model, without crashing', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'homelab-whisper-'));
    const corrupt = join(directory, 'ggml-base.en.bin');
    await writeFile(corrupt, 'this is not a ggml model '.repeat(100));
    const broken = createWhisperTranscriber({ modelPath: corrupt });
    const silence = encodeMonoWav(new Float32Array(16_000), 16_000);
    await assert.rejects(broken.transcribe({ audio: silence }), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'model_not_configured');
      assert.ok(error.message.includes(corrupt), error.message);
      assert.match(error.message, /ggml model.*models pull whisper-base/);
      return true;
    });
    await broken.close();
    await rm(directory, { recursive: true, force: true });
  });

  it('rejects audio it cannot read before looking for the model', async () => {
    await assert.rejects(
      transcriber.transcribe({ audio: new Uint8Array([1, 2, 3]), format: 'webm' }),
      (error: unknown) => error instanceof PlatformError && error.code === 'invalid_input',
    );
  });
});
