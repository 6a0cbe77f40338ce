/**
 * Sample-rate conversion with a Hann-windowed sinc filter, and the one conversion speech
 * recognisers need: any supported input to 16 kHz mono. Downsampling lowers the filter's cutoff
 * to the new Nyquist frequency, so high frequencies do not fold back as noise.
 */
import { PlatformError } from '@homelab-ai/contracts';
import { decodeWav, mixToMono, pcm16ToFloat } from './wav.js';

/** Speech recognisers (pocketsphinx, whisper.cpp) expect 16 kHz mono. */
export const SPEECH_RECOGNITION_SAMPLE_RATE = 16_000;

const FILTER_HALF_WIDTH = 16;

const TABLE_STEPS_PER_SAMPLE = 512;

/** The windowed-sinc kernel tabulated over distances 0…halfWidth (it is symmetric). */
function kernelTable(cutoff: number, halfWidth: number): Float32Array {
  const table = new Float32Array(halfWidth * TABLE_STEPS_PER_SAMPLE + 2);
  for (let step = 0; step < table.length; step++) {
    const distance = step / TABLE_STEPS_PER_SAMPLE;
    const window = 0.5 + 0.5 * Math.cos((Math.PI * distance) / (halfWidth + 1));
    table[step] = distance > halfWidth + 1 ? 0 : cutoff * sinc(cutoff * distance) * window;
  }
  return table;
}

/** `samples` at `fromRate` resampled to `toRate`; the duration is preserved. */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  if (fromRate === toRate) return samples;
  const ratio = toRate / fromRate;
  const cutoff = Math.min(1, ratio);
  const halfWidth = Math.ceil(FILTER_HALF_WIDTH / cutoff);
  const table = kernelTable(cutoff, halfWidth);
  const output = new Float32Array(Math.round(samples.length * ratio));
  for (let index = 0; index < output.length; index++) {
    const center = index / ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(samples.length - 1, Math.floor(center + halfWidth));
    let sum = 0;
    let weightSum = 0;
    for (let source = first; source <= last; source++) {
      // Linear interpolation in the table instead of a sine and a cosine per tap.
      const position = Math.abs(source - center) * TABLE_STEPS_PER_SAMPLE;
      const step = Math.floor(position);
      const below = table[step] ?? 0;
      const weight = below + ((table[step + 1] ?? 0) - below) * (position - step);
      sum += (samples[source] ?? 0) * weight;
      weightSum += weight;
    }
    // Normalising by the summed weights keeps the gain at 1 near the edges as well.
    output[index] = weightSum === 0 ? 0 : sum / weightSum;
  }
  return output;
}

function sinc(x: number): number {
  if (x === 0) return 1;
  const angle = Math.PI * x;
  return Math.sin(angle) / angle;
}

export interface RecognitionAudio {
  /** Mono samples at 16 kHz. */
  samples: Float32Array;
  durationSeconds: number;
}

/**
 * Decodes a transcription request's audio (WAV, or raw s16le PCM with its sample rate) to 16 kHz
 * mono; throws `invalid_input` naming what to send instead for other formats.
 */
export function toRecognitionAudio(
  audio: Uint8Array,
  format = 'wav',
  sampleRate?: number,
): RecognitionAudio {
  let mono: Float32Array;
  let rate: number;
  if (format === 'wav') {
    const decoded = decodeWav(audio);
    mono = mixToMono(decoded.channels);
    rate = decoded.sampleRate;
  } else if (format === 'pcm_s16le' || format === 'pcm') {
    if (!sampleRate || sampleRate <= 0) {
      throw new PlatformError('invalid_input', 'raw PCM audio needs its sampleRate');
    }
    mono = pcm16ToFloat(audio);
    rate = sampleRate;
  } else {
    throw new PlatformError(
      'invalid_input',
      `the embedded speech recognisers read WAV or raw s16le PCM, not ${format}: convert it ` +
        'first (e.g. `ffmpeg -i input -ar 16000 -ac 1 output.wav`)',
    );
  }
  return {
    samples: resample(mono, rate, SPEECH_RECOGNITION_SAMPLE_RATE),
    durationSeconds: mono.length / rate,
  };
}
