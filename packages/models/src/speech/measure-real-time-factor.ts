/**
 * Measures how fast the speech engines run on this machine: the real-time factor is processing
 * time divided by audio duration (below 1 means faster than real time).
 */
import type { Synthesizer } from '../ports/synthesizer.js';
import type { Transcriber } from '../ports/transcriber.js';
import { decodeWav } from './wav.js';

export interface SpeechRealTimeFactors {
  audioSeconds: number;
  synthesisSeconds: number;
  /** Synthesis time / audio duration. */
  synthesisRealTimeFactor: number;
  transcriptionSeconds: number;
  /** Transcription time / audio duration. */
  transcriptionRealTimeFactor: number;
  /** What the transcriber heard, to judge its accuracy beside its speed. */
  transcript: string;
}

/** About five seconds of speech at espeak-ng's default speed. */
export const REAL_TIME_FACTOR_SENTENCE =
  'The weather in Paris is sunny today, and tomorrow it will rain in London and in Berlin';

/** Synthesizes `text` as one WAV, then transcribes that WAV, timing both. */
export async function measureSpeechRealTimeFactors(
  synthesizer: Synthesizer,
  transcriber: Transcriber,
  text = REAL_TIME_FACTOR_SENTENCE,
): Promise<SpeechRealTimeFactors> {
  const synthesisStart = performance.now();
  const chunks: Uint8Array[] = [];
  for await (const chunk of synthesizer.synthesize({ text, format: 'wav' }))
    chunks.push(chunk.audio);
  const synthesisSeconds = (performance.now() - synthesisStart) / 1000;
  const [wav] = chunks;
  if (!wav || chunks.length !== 1) throw new Error('measure with a single sentence: one WAV chunk');
  const decoded = decodeWav(wav);
  const audioSeconds = (decoded.channels[0]?.length ?? 0) / decoded.sampleRate;
  const transcriptionStart = performance.now();
  const { text: transcript } = await transcriber.transcribe({ audio: wav, format: 'wav' });
  const transcriptionSeconds = (performance.now() - transcriptionStart) / 1000;
  return {
    audioSeconds,
    synthesisSeconds,
    synthesisRealTimeFactor: synthesisSeconds / audioSeconds,
    transcriptionSeconds,
    transcriptionRealTimeFactor: transcriptionSeconds / audioSeconds,
    transcript,
  };
}
