/**
 * The pocketsphinx Transcriber against the real pocketsphinx command and its US English model,
 * fed with speech that the real espeak-ng command synthesizes.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { childProcesses, waitForChildProcess } from './child-processes.js';
import { createEspeakSynthesizer } from './espeak-synthesizer.js';
import { createPocketsphinxTranscriber } from './pocketsphinx-transcriber.js';
import { decodeWav, encodeMonoWav, mixToMono } from './wav.js';

const SENTENCE = 'The weather in Paris is sunny today';
const KEYWORDS = ['weather', 'paris', 'sunny', 'today'];

function isPlatformError(code: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PlatformError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  };
}

describe('pocketsphinx Transcriber', () => {
  const transcriber = createPocketsphinxTranscriber();
  let speech: Uint8Array = new Uint8Array();

  before(async () => {
    // The klatt variant is the espeak-ng voice pocketsphinx understands best.
    const synthesizer = createEspeakSynthesizer({ voice: 'en-us+klatt', speed: 150 });
    for await (const chunk of synthesizer.synthesize({ text: SENTENCE })) speech = chunk.audio;
  });

  it('reports the program and model it uses', async () => {
    const health = await transcriber.health();
    assert.equal(health.healthy, true, health.detail);
    assert.match(health.detail, /pocketsphinx_continuous .*en-us/);
  });

  it('hears most keywords of a spoken sentence, with partial text and the duration', async () => {
    const partials: string[] = [];
    const result = await transcriber.transcribe({
      audio: speech,
      onPartial: (text) => partials.push(text),
    });
    const heard = KEYWORDS.filter((word) => result.text.toLowerCase().includes(word));
    assert.ok(heard.length >= 2, `at least 2 of ${KEYWORDS.join(',')} in "${result.text}"`);
    assert.equal(result.language, 'en');
    const decoded = decodeWav(speech);
    const seconds = (decoded.channels[0]?.length ?? 0) / decoded.sampleRate;
    assert.ok(Math.abs((result.durationSeconds ?? 0) - seconds) < 0.01);
    assert.equal(partials.at(-1), result.text);
  });

  it('accepts stereo 48 kHz audio by converting it', async () => {
    const decoded = decodeWav(speech);
    const mono = mixToMono(decoded.channels);
    // Upsample crudely by repeating samples; the adapter has to bring it back to 16 kHz.
    const factor = 48_000 / decoded.sampleRate;
    const upsampled = Float32Array.from(
      { length: Math.floor(mono.length * factor) },
      (_, index) => mono[Math.floor(index / factor)] ?? 0,
    );
    const result = await transcriber.transcribe({ audio: encodeMonoWav(upsampled, 48_000) });
    assert.ok(Math.abs((result.durationSeconds ?? 0) - mono.length / decoded.sampleRate) < 0.01);
    assert.ok(result.text.length > 0, 'something is heard');
  });

  it('rejects what is not audio with invalid_input', async () => {
    await assert.rejects(
      transcriber.transcribe({ audio: new TextEncoder().encode('not audio at all') }),
      isPlatformError('invalid_input', /not a usable WAV/),
    );
  });

  it('kills pocketsphinx and rejects with cancelled when aborted', async () => {
    const controller = new AbortController();
    const transcription = transcriber.transcribe({ audio: speech, signal: controller.signal });
    await waitForChildProcess('pocketsphinx_continuous');
    controller.abort();
    await assert.rejects(transcription, isPlatformError('cancelled', /pocketsphinx.*cancelled/));
    assert.deepEqual(await childProcesses('pocketsphinx_continuous'), []);
  });

  it('says how to install pocketsphinx when the program is missing', async () => {
    const missing = createPocketsphinxTranscriber({
      binaryPath: '/nonexistent/pocketsphinx_continuous',
    });
    const installHint = /apt-get install pocketsphinx pocketsphinx-en-us/;
    await assert.rejects(
      missing.transcribe({ audio: speech }),
      isPlatformError('model_not_configured', installHint),
    );
    const health = await missing.health();
    assert.equal(health.healthy, false);
    assert.match(health.detail, installHint);
  });
});
