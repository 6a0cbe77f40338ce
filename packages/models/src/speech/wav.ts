/**
 * WAV in and out for the embedded speech engines: decode RIFF/WAVE (integer PCM 8/16/24/32-bit,
 * float 32/64-bit, any channel count) to float samples, mix down to mono, encode s16le mono WAV,
 * and split text into sentences for synthesis. Resampling lives in `resample.ts`.
 */
import { PlatformError } from '@homelab-ai/contracts';
import { wavFromPcm } from '../audio/wav-header.js';

/** Decoded audio: one Float32Array per channel, samples in [-1, 1]. */
export interface DecodedAudio {
  sampleRate: number;
  channels: Float32Array[];
}

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

function invalidWav(detail: string): PlatformError {
  return new PlatformError('invalid_input', `audio is not a usable WAV file: ${detail}`);
}

function fourCC(bytes: Uint8Array, offset: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + 4));
}

interface WavFormat {
  formatTag: number;
  channelCount: number;
  sampleRate: number;
  bitsPerSample: number;
}

function readFormat(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) throw invalidWav(`the fmt chunk is ${size} bytes, expected at least 16`);
  let formatTag = view.getUint16(offset, true);
  // WAVE_FORMAT_EXTENSIBLE keeps the real format in the first two bytes of its sub-format GUID.
  if (formatTag === FORMAT_EXTENSIBLE && size >= 40) formatTag = view.getUint16(offset + 24, true);
  return {
    formatTag,
    channelCount: view.getUint16(offset + 2, true),
    sampleRate: view.getUint32(offset + 4, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

type SampleReader = (view: DataView, offset: number) => number;

function sampleReader({ formatTag, bitsPerSample }: WavFormat): SampleReader {
  if (formatTag === FORMAT_PCM) {
    if (bitsPerSample === 8) return (view, at) => (view.getUint8(at) - 128) / 128;
    if (bitsPerSample === 16) return (view, at) => view.getInt16(at, true) / 32768;
    if (bitsPerSample === 24) {
      return (view, at) =>
        ((view.getInt8(at + 2) << 16) | (view.getUint8(at + 1) << 8) | view.getUint8(at)) / 8388608;
    }
    if (bitsPerSample === 32) return (view, at) => view.getInt32(at, true) / 2147483648;
  }
  if (formatTag === FORMAT_FLOAT) {
    if (bitsPerSample === 32) return (view, at) => view.getFloat32(at, true);
    if (bitsPerSample === 64) return (view, at) => view.getFloat64(at, true);
  }
  const kind = formatTag === FORMAT_FLOAT ? 'float' : `format tag ${formatTag}`;
  throw invalidWav(
    `${kind} with ${bitsPerSample}-bit samples is not supported; send integer PCM ` +
      '(8/16/24/32-bit) or 32-bit float WAV',
  );
}

/** Decodes a WAV file; throws `invalid_input` for anything else or an unsupported encoding. */
export function decodeWav(bytes: Uint8Array): DecodedAudio {
  if (bytes.length < 12 || fourCC(bytes, 0) !== 'RIFF' || fourCC(bytes, 8) !== 'WAVE') {
    throw invalidWav('it does not start with a RIFF/WAVE header');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = fourCC(bytes, offset);
    const declared = view.getUint32(offset + 4, true);
    const start = offset + 8;
    // Streamed WAVs (e.g. `espeak-ng --stdout`) declare a huge or zero data size: read what is there.
    const size = Math.min(declared, bytes.length - start);
    if (id === 'fmt ') format = readFormat(view, start, size);
    if (id === 'data') {
      if (!format) throw invalidWav('the data chunk comes before the fmt chunk');
      const dataSize = declared === 0 ? bytes.length - start : size;
      return decodeSamples(view, start, dataSize, format);
    }
    offset = start + size + (size % 2);
  }
  throw invalidWav(format ? 'it has no data chunk' : 'it has no fmt chunk');
}

function decodeSamples(
  view: DataView,
  start: number,
  size: number,
  format: WavFormat,
): DecodedAudio {
  const { channelCount, sampleRate, bitsPerSample } = format;
  if (channelCount < 1) throw invalidWav('it declares 0 channels');
  if (sampleRate < 1) throw invalidWav('it declares a sample rate of 0');
  const read = sampleReader(format);
  const bytesPerSample = bitsPerSample / 8;
  const frameSize = bytesPerSample * channelCount;
  const frameCount = Math.floor(size / frameSize);
  const channels = Array.from({ length: channelCount }, () => new Float32Array(frameCount));
  for (let frame = 0; frame < frameCount; frame++) {
    const frameStart = start + frame * frameSize;
    channels.forEach((channel, index) => {
      channel[frame] = read(view, frameStart + index * bytesPerSample);
    });
  }
  return { sampleRate, channels };
}

/** The average of all channels. */
export function mixToMono(channels: readonly Float32Array[]): Float32Array {
  const [first] = channels;
  if (!first) return new Float32Array(0);
  if (channels.length === 1) return first;
  const mono = new Float32Array(first.length);
  for (let index = 0; index < mono.length; index++) {
    let sum = 0;
    for (const channel of channels) sum += channel[index] ?? 0;
    mono[index] = sum / channels.length;
  }
  return mono;
}

/** Float samples to s16le PCM bytes, clipping at full scale. */
export function floatToPcm16(samples: Float32Array): Uint8Array {
  const pcm = new Uint8Array(samples.length * 2);
  const view = new DataView(pcm.buffer);
  samples.forEach((sample, index) => {
    const clipped = Math.max(-1, Math.min(1, sample));
    view.setInt16(index * 2, Math.round(clipped < 0 ? clipped * 32768 : clipped * 32767), true);
  });
  return pcm;
}

/** Mono float samples encoded as a s16le mono WAV file. */
export function encodeMonoWav(samples: Float32Array, sampleRate: number): Uint8Array {
  return wavFromPcm(floatToPcm16(samples), sampleRate);
}

/** Raw s16le mono PCM bytes as float samples. */
export function pcm16ToFloat(pcm: Uint8Array): Float32Array {
  const view = new DataView(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const samples = new Float32Array(Math.floor(pcm.length / 2));
  for (let index = 0; index < samples.length; index++) {
    samples[index] = view.getInt16(index * 2, true) / 32768;
  }
  return samples;
}
