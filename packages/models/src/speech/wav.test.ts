/**
 * WAV decoding/encoding, mixing and resampling: what the speech engines rely on to accept any
 * ordinary WAV a user uploads and hand 16 kHz mono to the recognisers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { resample, toRecognitionAudio } from './resample.js';
import { decodeWav, encodeMonoWav, floatToPcm16, mixToMono } from './wav.js';
import { splitSentences } from '../audio/sentences.js';
import { wavFromPcm } from '../audio/wav-header.js';

function sine(frequency: number, sampleRate: number, seconds: number, amplitude = 0.5) {
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, index) => amplitude * Math.sin((2 * Math.PI * frequency * index) / sampleRate),
  );
}

/** A WAV file with any format tag and sample width; `writeSample` fills one sample. */
function buildWav(options: {
  formatTag: number;
  channelCount: number;
  sampleRate: number;
  bitsPerSample: number;
  frames: number;
  writeSample: (view: DataView, offset: number, frame: number, channel: number) => void;
}): Uint8Array {
  const { formatTag, channelCount, sampleRate, bitsPerSample, frames } = options;
  const bytesPerSample = bitsPerSample / 8;
  const dataSize = frames * channelCount * bytesPerSample;
  const wav = new Uint8Array(44 + dataSize);
  const view = new DataView(wav.buffer);
  const id = (offset: number, text: string) =>
    [...text].forEach((char, index) => view.setUint8(offset + index, char.charCodeAt(0)));
  id(0, 'RIFF');
  view.setUint32(4, 36 + dataSize, true);
  id(8, 'WAVE');
  id(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, formatTag, true);
  view.setUint16(22, channelCount, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channelCount * bytesPerSample, true);
  view.setUint16(32, channelCount * bytesPerSample, true);
  view.setUint16(34, bitsPerSample, true);
  id(36, 'data');
  view.setUint32(40, dataSize, true);
  for (let frame = 0; frame < frames; frame++) {
    for (let channel = 0; channel < channelCount; channel++) {
      const offset = 44 + (frame * channelCount + channel) * bytesPerSample;
      options.writeSample(view, offset, frame, channel);
    }
  }
  return wav;
}

function assertInvalidInput(action: () => unknown, message: RegExp) {
  assert.throws(action, (error: unknown) => {
    assert.ok(error instanceof PlatformError);
    assert.equal(error.code, 'invalid_input');
    assert.match(error.message, message);
    return true;
  });
}

describe('WAV decoding and encoding', () => {
  it('round-trips mono s16 audio through encode and decode', () => {
    const original = sine(440, 22_050, 0.5);
    const decoded = decodeWav(encodeMonoWav(original, 22_050));
    assert.equal(decoded.sampleRate, 22_050);
    assert.equal(decoded.channels.length, 1);
    const [samples] = decoded.channels;
    assert.equal(samples?.length, original.length);
    original.forEach((value, index) => {
      assert.ok(Math.abs((samples?.[index] ?? 99) - value) < 1 / 16_000, `sample ${index}`);
    });
  });

  const widths = [
    {
      name: '8-bit unsigned',
      formatTag: 1,
      bits: 8,
      write: (v: DataView, o: number, s: number) => v.setUint8(o, Math.round(s * 127) + 128),
    },
    {
      name: '24-bit',
      formatTag: 1,
      bits: 24,
      write: (v: DataView, o: number, s: number) => {
        const n = Math.round(s * 8388607);
        v.setUint8(o, n & 0xff);
        v.setUint8(o + 1, (n >> 8) & 0xff);
        v.setInt8(o + 2, n >> 16);
      },
    },
    {
      name: '32-bit integer',
      formatTag: 1,
      bits: 32,
      write: (v: DataView, o: number, s: number) => v.setInt32(o, Math.round(s * 2147483647), true),
    },
    {
      name: '32-bit float',
      formatTag: 3,
      bits: 32,
      write: (v: DataView, o: number, s: number) => v.setFloat32(o, s, true),
    },
  ];
  for (const width of widths) {
    it(`reads ${width.name} stereo and mixes it down to mono`, () => {
      // Left channel at +0.5, right at -0.25 and then +0.25: the mono mix is their average.
      const wav = buildWav({
        formatTag: width.formatTag,
        channelCount: 2,
        sampleRate: 8_000,
        bitsPerSample: width.bits,
        frames: 2,
        writeSample: (view, offset, frame, channel) =>
          width.write(view, offset, channel === 0 ? 0.5 : frame === 0 ? -0.25 : 0.25),
      });
      const decoded = decodeWav(wav);
      assert.equal(decoded.channels.length, 2);
      const mono = mixToMono(decoded.channels);
      assert.ok(Math.abs((mono[0] ?? 99) - 0.125) < 0.01, `first frame ${mono[0]}`);
      assert.ok(Math.abs((mono[1] ?? 99) - 0.375) < 0.01, `second frame ${mono[1]}`);
    });
  }

  it('reads a streamed WAV whose header claims more data than it holds (espeak-ng --stdout)', () => {
    const wav = encodeMonoWav(sine(200, 16_000, 0.25), 16_000);
    new DataView(wav.buffer).setUint32(40, 0x7ffffff0, true);
    assert.equal(decodeWav(wav).channels[0]?.length, 4_000);
  });

  it('rejects garbage, unsupported encodings and missing chunks with invalid_input', () => {
    assertInvalidInput(
      () => decodeWav(new TextEncoder().encode('ID3 this is an mp3 file')),
      /RIFF\/WAVE/,
    );
    assertInvalidInput(() => decodeWav(new Uint8Array(0)), /RIFF\/WAVE/);
    const adpcm = buildWav({
      formatTag: 2,
      channelCount: 1,
      sampleRate: 8_000,
      bitsPerSample: 4,
      frames: 0,
      writeSample: () => undefined,
    });
    assertInvalidInput(() => decodeWav(adpcm), /format tag 2.*not supported/);
    assertInvalidInput(
      () => decodeWav(encodeMonoWav(new Float32Array(4), 8_000).subarray(0, 36)),
      /no data chunk/,
    );
  });

  it('wraps raw PCM with a header that tells its length and rate', () => {
    const wav = wavFromPcm(floatToPcm16(new Float32Array([0, 1, -1])), 24_000);
    assert.equal(wav.length, 44 + 6);
    const decoded = decodeWav(wav);
    assert.equal(decoded.sampleRate, 24_000);
    assert.deepEqual(
      [...(decoded.channels[0] ?? [])].map((value) => Math.round(value)),
      [0, 1, -1],
    );
  });
});

describe('resampling to 16 kHz', () => {
  function zeroCrossings(samples: Float32Array): number {
    let crossings = 0;
    for (let index = 1; index < samples.length; index++) {
      if ((samples[index - 1] ?? 0) < 0 !== (samples[index] ?? 0) < 0) crossings++;
    }
    return crossings;
  }

  for (const fromRate of [8_000, 22_050, 44_100, 48_000]) {
    it(`keeps the duration and the pitch from ${fromRate} Hz`, () => {
      const tone = sine(440, fromRate, 2);
      const converted = resample(tone, fromRate, 16_000);
      assert.equal(converted.length, 32_000);
      // A 440 Hz tone crosses zero 880 times a second, whatever the sample rate.
      assert.ok(
        Math.abs(zeroCrossings(converted) - 1_760) <= 4,
        `${zeroCrossings(converted)} crossings`,
      );
      const peak = converted.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      assert.ok(peak > 0.45 && peak < 0.55, `amplitude kept, peak ${peak}`);
    });
  }

  it('filters out tones above the new Nyquist frequency instead of folding them back', () => {
    const converted = resample(sine(12_000, 48_000, 1), 48_000, 16_000);
    const loudest = converted
      .slice(1_000, -1_000)
      .reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    assert.ok(loudest < 0.05, `a 12 kHz tone is gone at 16 kHz, peak ${loudest}`);
  });

  it('turns a stereo 44.1 kHz WAV or raw PCM into 16 kHz mono with its duration', () => {
    const stereo = buildWav({
      formatTag: 1,
      channelCount: 2,
      sampleRate: 44_100,
      bitsPerSample: 16,
      frames: 44_100 * 3,
      writeSample: (view, offset) => view.setInt16(offset, 1_000, true),
    });
    const fromWav = toRecognitionAudio(stereo);
    assert.equal(fromWav.samples.length, 48_000);
    assert.ok(Math.abs(fromWav.durationSeconds - 3) < 1e-9);
    const fromPcm = toRecognitionAudio(floatToPcm16(sine(300, 8_000, 1.5)), 'pcm_s16le', 8_000);
    assert.equal(fromPcm.samples.length, 24_000);
    assertInvalidInput(() => toRecognitionAudio(new Uint8Array(10), 'pcm_s16le'), /sampleRate/);
    assertInvalidInput(() => toRecognitionAudio(new Uint8Array(10), 'mp3'), /not mp3.*ffmpeg/);
  });
});

describe('splitSentences', () => {
  it('cuts text into sentences and drops punctuation-only pieces', () => {
    assert.deepEqual(
      splitSentences('Hello there! How are you?  Fine.\n\n- a list item\n...\n- another  one'),
      ['Hello there!', 'How are you?', 'Fine.', '- a list item ...', '- another one'],
    );
    assert.deepEqual(splitSentences('  '), []);
  });
});
