// requires-env: WHISPER_MODEL_PATH
/**
 * The whisper.cpp Transcriber on a real ggml model (set WHISPER_MODEL_PATH, e.g. to the file
 * `npx homelab-ai models pull whisper-base` stores), hearing speech from the real espeak-ng.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { createEspeakSynthesizer } from './espeak-synthesizer.js';
import { createWhisperTranscriber } from './whisper-transcriber.js';

describe('whisper.cpp Transcriber on a real model', () => {
  const transcriber = createWhisperTranscriber({
    modelPath: process.env['WHISPER_MODEL_PATH'] ?? '',
    language: 'en',
    threads: 2,
  });
  after(() => transcriber.close());

  async function speak(text: string): Promise<Uint8Array> {
    const synthesizer = createEspeakSynthesizer({ speed: 150 });
    let audio: Uint8Array = new Uint8Array();
    for await (const chunk of synthesizer.synthesize({ text })) audio = chunk.audio;
    return audio;
  }

  it('transcribes espeak-ng speech with partial text and its duration', async () => {
    const audio = await speak('The weather in Paris is sunny today');
    const partials: string[] = [];
    const result = await transcriber.transcribe({
      audio,
      onPartial: (text) => partials.push(text),
    });
    const keywords = ['weather', 'paris', 'sunny', 'today'];
    const heard = keywords.filter((word) => result.text.toLowerCase().includes(word));
    assert.ok(heard.length >= 3, `at least 3 of ${keywords.join(',')} in "${result.text}"`);
    assert.ok((result.durationSeconds ?? 0) > 1);
    assert.ok(partials.length > 0, 'partial text was reported');
    assert.match((await transcriber.health()).detail, /loaded\)/);
  });

  it('rejects with cancelled when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const audio = await speak('Hello there');
    await assert.rejects(
      transcriber.transcribe({ audio, signal: controller.signal }),
      (error: unknown) => error instanceof PlatformError && error.code === 'cancelled',
    );
  });
});
