/**
 * The espeak-ng Synthesizer against the real espeak-ng command installed on this machine, and
 * its WebAssembly fallback (the command made unfindable).
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import type { AudioChunk, SynthesizeRequest, Synthesizer } from '../ports/synthesizer.js';
import { childProcesses, waitForChildProcess } from './child-processes.js';
import { createEspeakSynthesizer } from './espeak-synthesizer.js';
import { decodeWav } from './wav.js';

async function collect(
  synthesizer: Synthesizer,
  request: SynthesizeRequest,
): Promise<AudioChunk[]> {
  const chunks: AudioChunk[] = [];
  for await (const chunk of synthesizer.synthesize(request)) chunks.push(chunk);
  return chunks;
}

function durationSeconds(wav: Uint8Array): number {
  const decoded = decodeWav(wav);
  return (decoded.channels[0]?.length ?? 0) / decoded.sampleRate;
}

describe('espeak-ng Synthesizer (installed command)', () => {
  const synthesizer = createEspeakSynthesizer();
  after(() => synthesizer.close());

  it('reports the command it found', async () => {
    const health = await synthesizer.health();
    assert.equal(health.healthy, true);
    assert.match(health.detail, /espeak-ng command \/\S+espeak-ng .*1\.\d+/);
    assert.equal(synthesizer.adapter, 'espeak-ng');
  });

  it('speaks a sentence as a WAV of plausible length', async () => {
    const chunks = await collect(synthesizer, { text: 'The weather in Paris is sunny today.' });
    assert.equal(chunks.length, 1);
    const [chunk] = chunks;
    assert.equal(chunk?.format, 'wav');
    assert.equal(chunk?.sampleRate, 22_050);
    assert.equal(chunk?.text, 'The weather in Paris is sunny today.');
    const seconds = durationSeconds(chunk?.audio ?? new Uint8Array());
    assert.ok(seconds > 1.2 && seconds < 5, `about two seconds of speech, got ${seconds}`);
  });

  it('yields one chunk per sentence, as raw PCM when asked', async () => {
    const chunks = await collect(synthesizer, {
      text: 'Good morning. How are you today? Fine, thanks!',
      format: 'pcm',
    });
    assert.deepEqual(
      chunks.map((chunk) => chunk.text),
      ['Good morning.', 'How are you today?', 'Fine, thanks!'],
    );
    for (const chunk of chunks) {
      assert.equal(chunk.format, 'pcm');
      assert.notEqual(String.fromCharCode(...chunk.audio.subarray(0, 4)), 'RIFF');
      // s16 mono at 22050 Hz: at least half a second of speech per sentence.
      assert.ok(chunk.audio.length > 22_050, `${chunk.audio.length} bytes`);
    }
  });

  it('speaks text that starts with a dash instead of reading it as an option', async () => {
    const [chunk] = await collect(synthesizer, { text: '-v --help is not an option here' });
    assert.ok(durationSeconds(chunk?.audio ?? new Uint8Array()) > 1, 'the words are spoken');
  });

  it('lists its voices and rejects an unknown or option-like voice with invalid_input', async () => {
    const voices = await synthesizer.voices();
    assert.ok(voices.includes('en-us') && voices.includes('de'), voices.join(','));
    const requests: SynthesizeRequest[] = [
      { text: 'hello', voice: 'qqq' },
      { text: 'hello', voice: '--stdout' },
      // A language hint selects the voice of that language.
      { text: 'hello', language: 'qqq' },
    ];
    for (const request of requests) {
      await assert.rejects(collect(synthesizer, request), (error: unknown) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'invalid_input');
        assert.match(error.message, /voice/);
        return true;
      });
    }
  });

  it('kills espeak-ng when a long synthesis is aborted', async () => {
    // One sentence of 3000 words: about 20 minutes of audio, many seconds of work.
    const text = Array.from({ length: 3_000 }, (_, index) => `word${index % 10}`).join(' ');
    const controller = new AbortController();
    const synthesis = collect(synthesizer, { text, signal: controller.signal });
    const [pid] = await waitForChildProcess('espeak-ng');
    controller.abort();
    await assert.rejects(synthesis, (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'cancelled');
      return true;
    });
    assert.deepEqual(await childProcesses('espeak-ng'), [], `process ${pid} is gone`);
  });
});

describe('espeak-ng Synthesizer (WebAssembly fallback when the command is missing)', () => {
  const synthesizer = createEspeakSynthesizer({ cliPath: '/nonexistent/espeak-ng' });
  after(() => synthesizer.close());

  it('says it runs the WebAssembly build and speaks with it', async () => {
    assert.match((await synthesizer.health()).detail, /WebAssembly/);
    const chunks = await collect(synthesizer, { text: '-Hello world. Second sentence.' });
    assert.deepEqual(
      chunks.map((chunk) => chunk.text),
      ['-Hello world.', 'Second sentence.'],
    );
    for (const chunk of chunks) {
      assert.equal(chunk.sampleRate, 22_050);
      assert.ok(durationSeconds(chunk.audio) > 0.5);
    }
  });
});
