import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { tonePcm } from '../testing/loopback-content.js';
import {
  startLoopbackOpenAiAudio,
  type LoopbackOpenAiAudio,
} from '../testing/loopback-openai-audio.js';
import { createOpenAiTranscriber } from './openai-transcriber.js';
import { wavFromPcm } from '../audio/wav-header.js';

const oneAndAHalfSeconds = wavFromPcm(tonePcm(1500, 16_000), 16_000);

describe('OpenAI-compatible Transcriber against a loopback Speaches-like server', () => {
  let server: LoopbackOpenAiAudio;
  before(async () => {
    server = await startLoopbackOpenAiAudio({ apiKey: 'k' });
  });
  after(() => server.close());

  it('uploads the WAV as multipart with model, language and json format', async () => {
    const transcriber = createOpenAiTranscriber({
      baseUrl: server.baseUrl,
      apiKey: 'k',
      model: 'Systran/faster-whisper-small',
    });
    const result = await transcriber.transcribe({ audio: oneAndAHalfSeconds, language: 'de' });
    assert.deepEqual(result, { text: 'loopback heard 1.50 seconds of audio', language: 'de' });
    assert.deepEqual(server.uploads.at(-1), {
      fileName: 'audio.wav',
      contentType: 'audio/wav',
      bytes: oneAndAHalfSeconds.length,
      fields: { model: 'Systran/faster-whisper-small', language: 'de', response_format: 'json' },
    });
  });

  it('reads language and duration from verbose_json answers', async () => {
    const transcriber = createOpenAiTranscriber({
      baseUrl: server.baseUrl,
      apiKey: 'k',
      responseFormat: 'verbose_json',
    });
    const result = await transcriber.transcribe({ audio: oneAndAHalfSeconds });
    assert.equal(result.language, 'en');
    assert.equal(result.durationSeconds, 1.5);
  });

  it('wraps raw PCM into WAV, and refuses raw PCM without a sample rate', async () => {
    const transcriber = createOpenAiTranscriber({ baseUrl: server.baseUrl, apiKey: 'k' });
    const pcm = tonePcm(500, 8_000);
    const result = await transcriber.transcribe({
      audio: pcm,
      format: 'pcm_s16le',
      sampleRate: 8_000,
    });
    assert.equal(result.text, 'loopback heard 0.50 seconds of audio');
    assert.equal(server.uploads.at(-1)?.fileName, 'audio.wav');
    await assert.rejects(
      transcriber.transcribe({ audio: pcm, format: 'pcm_s16le' }),
      (error) => error instanceof PlatformError && error.code === 'invalid_input',
    );
  });

  it("names the server's refusal of an undecodable file", async () => {
    const transcriber = createOpenAiTranscriber({ baseUrl: server.baseUrl, apiKey: 'k' });
    await assert.rejects(
      transcriber.transcribe({ audio: new Uint8Array([1, 2, 3]), format: 'mp3' }),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'model_rejected');
        assert.match(
          error.message,
          /^speech-to-text \(OpenAI-compatible\) http:\/\/127\.0\.0\.1:\d+\/v1\/audio\/transcriptions answered 400: Invalid file format\./,
        );
        return true;
      },
    );
    assert.equal(server.uploads.at(-1)?.fileName, 'audio.mp3');
  });

  it('is healthy when the server lists its models', async () => {
    const transcriber = createOpenAiTranscriber({ baseUrl: server.baseUrl, apiKey: 'k' });
    assert.equal((await transcriber.health()).healthy, true);
    const noKey = createOpenAiTranscriber({ baseUrl: server.baseUrl });
    assert.equal((await noKey.health()).healthy, false);
  });
});
