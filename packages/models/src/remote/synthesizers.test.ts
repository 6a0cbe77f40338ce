import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import type { AudioChunk } from '../ports/synthesizer.js';
import {
  startLoopbackOpenAiAudio,
  type LoopbackOpenAiAudio,
} from '../testing/loopback-openai-audio.js';
import { jsonOf } from '../testing/loopback-http.js';
import { startLoopbackXtts, type LoopbackXtts } from '../testing/loopback-xtts.js';
import { createOpenAiSynthesizer, OPENAI_DEFAULT_VOICES } from './openai-synthesizer.js';
import { createXttsSynthesizer } from './xtts-synthesizer.js';
import { readWavHeader } from '../audio/wav-header.js';

const threeSentences = 'Hello there. How are you today? The weather is fine!';

async function collect(chunks: AsyncIterable<AudioChunk>): Promise<AudioChunk[]> {
  const all: AudioChunk[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return all;
}

describe('OpenAI-compatible Synthesizer against a loopback Kokoro/Speaches-like server', () => {
  let server: LoopbackOpenAiAudio;
  before(async () => {
    server = await startLoopbackOpenAiAudio({
      sampleRate: 22_050,
      voices: ['af_bella', 'am_adam'],
    });
  });
  after(() => server.close());

  it('yields one WAV chunk per sentence, in order, with the rate read from the header', async () => {
    const synthesizer = createOpenAiSynthesizer({ baseUrl: server.baseUrl, model: 'kokoro' });
    const chunks = await collect(
      synthesizer.synthesize({ text: threeSentences, voice: 'af_bella' }),
    );
    assert.deepEqual(
      chunks.map((chunk) => chunk.text),
      ['Hello there.', 'How are you today?', 'The weather is fine!'],
    );
    for (const chunk of chunks) {
      assert.equal(chunk.format, 'wav');
      assert.equal(chunk.sampleRate, 22_050);
      assert.equal(readWavHeader(chunk.audio)?.sampleRate, 22_050);
    }
    const sent = jsonOf<Record<string, string>>(server.requests.at(-1) ?? assert.fail());
    assert.deepEqual(sent, {
      model: 'kokoro',
      input: 'The weather is fine!',
      voice: 'af_bella',
      response_format: 'wav',
    });
  });

  it('yields raw PCM at 24 kHz when asked for pcm', async () => {
    const openAi = await startLoopbackOpenAiAudio();
    const synthesizer = createOpenAiSynthesizer({ baseUrl: openAi.baseUrl });
    const [chunk] = await collect(synthesizer.synthesize({ text: 'Just one.', format: 'pcm' }));
    assert.equal(chunk?.format, 'pcm');
    assert.equal(chunk?.sampleRate, 24_000);
    assert.equal(chunk?.audio.length, 2 * 0.05 * 24_000, '50 ms of s16le samples, no header');
    assert.equal(
      jsonOf<{ response_format: string }>(openAi.requests[0] ?? assert.fail()).response_format,
      'pcm',
    );
    await openAi.close();
  });

  it('stops asking for sentences once the listener stops', async () => {
    const before = server.spokenInputs.length;
    const synthesizer = createOpenAiSynthesizer({ baseUrl: server.baseUrl });
    const text = Array.from({ length: 10 }, (_, index) => `Sentence number ${index}.`).join(' ');
    for await (const chunk of synthesizer.synthesize({ text })) {
      assert.equal(chunk.text, 'Sentence number 0.');
      break;
    }
    assert.ok(server.spokenInputs.length - before <= 2, 'at most the one sentence ahead');
  });

  it("lists the server's voices, or OpenAI's documented ones when it has no voice list", async () => {
    const kokoro = createOpenAiSynthesizer({ baseUrl: server.baseUrl });
    assert.deepEqual(await kokoro.voices(), ['af_bella', 'am_adam']);
    const plain = await startLoopbackOpenAiAudio();
    const openAi = createOpenAiSynthesizer({ baseUrl: plain.baseUrl });
    assert.deepEqual(await openAi.voices(), [...OPENAI_DEFAULT_VOICES]);
    await plain.close();
  });
});

describe('XTTS Synthesizer against a loopback xtts-api-server', () => {
  let xtts: LoopbackXtts;
  let releaseNextPiece: () => void = () => undefined;
  before(async () => {
    xtts = await startLoopbackXtts({
      speakers: ['female_01', 'male_01'],
      paceStream: () =>
        new Promise<void>((resolve) => {
          releaseNextPiece = resolve;
        }),
    });
  });
  after(() => xtts.close());

  it('speaks sentence by sentence with the first listed speaker by default', async () => {
    const synthesizer = createXttsSynthesizer({ baseUrl: xtts.baseUrl });
    const chunks = await collect(synthesizer.synthesize({ text: threeSentences, language: 'en' }));
    assert.equal(chunks.length, 3);
    assert.equal(chunks[0]?.sampleRate, 24_000);
    const sent = xtts.requests
      .filter((request) => request.path === '/tts_to_audio/')
      .map((request) => jsonOf<{ speaker_wav: string; text: string }>(request));
    assert.deepEqual(
      sent.map((body) => [body.speaker_wav, body.text]),
      [
        ['female_01', 'Hello there.'],
        ['female_01', 'How are you today?'],
        ['female_01', 'The weather is fine!'],
      ],
    );
  });

  it('streams: more than one chunk arrives before the server has finished', async () => {
    const synthesizer = createXttsSynthesizer({
      baseUrl: xtts.baseUrl,
      speaker: 'male_01',
      streaming: true,
      timeoutMs: 5_000,
    });
    const chunks: AudioChunk[] = [];
    let finishedWhenSecondArrived: number | undefined;
    for await (const chunk of synthesizer.synthesize({ text: 'one two three four' })) {
      chunks.push(chunk);
      if (chunks.length === 2) finishedWhenSecondArrived = xtts.streamsFinished;
      releaseNextPiece();
    }
    assert.equal(finishedWhenSecondArrived, 0);
    assert.equal(xtts.streamsFinished, 1);
    assert.equal(chunks.length, 4, 'one chunk per streamed word');
    for (const chunk of chunks) {
      const header = readWavHeader(chunk.audio);
      assert.equal(header?.sampleRate, 24_000);
      assert.equal(header?.dataLength, chunk.audio.length - 44, 'each chunk a complete WAV');
    }
    const query = xtts.requests.at(-1)?.query;
    assert.equal(query?.get('speaker_wav'), 'male_01');
    assert.equal(query?.get('language'), 'en');
  });

  it('cancels a stream mid-body when the caller aborts: the server sees the connection close', async () => {
    const synthesizer = createXttsSynthesizer({
      baseUrl: xtts.baseUrl,
      speaker: 'male_01',
      streaming: true,
      timeoutMs: 5_000,
    });
    const controller = new AbortController();
    const closed = xtts.nextClosedEarly();
    const received: AudioChunk[] = [];
    await assert.rejects(
      (async () => {
        const chunks = synthesizer.synthesize({ text: 'a b c d e', signal: controller.signal });
        for await (const chunk of chunks) {
          received.push(chunk);
          controller.abort();
          releaseNextPiece();
        }
      })(),
      (error) => error instanceof PlatformError && error.code === 'cancelled',
    );
    await closed;
    assert.equal(received.length, 1);
  });

  it('names the service when the server refuses the language', async () => {
    const synthesizer = createXttsSynthesizer({ baseUrl: xtts.baseUrl, streaming: true });
    await assert.rejects(
      collect(synthesizer.synthesize({ text: 'hi', language: 'xx' })),
      (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'model_rejected');
        assert.match(
          error.message,
          /^text-to-speech \(XTTS\) http:\/\/127\.0\.0\.1:\d+\/tts_stream\?text=hi.* answered 400: Language code sent is either unsupported or misspelled\.$/,
        );
        return true;
      },
    );
  });

  it('lists speakers as voices and reports health', async () => {
    const synthesizer = createXttsSynthesizer({ baseUrl: xtts.baseUrl });
    assert.deepEqual(await synthesizer.voices(), ['female_01', 'male_01']);
    const health = await synthesizer.health();
    assert.equal(health.healthy, true);
    assert.match(health.detail, /2 speaker/);
  });
});
