/**
 * The Synthesizer port (text-to-speech): text in, audio out as chunks (sentence by sentence
 * where the engine allows). Adapters: OpenAI-compatible `/v1/audio/speech`, XTTS server,
 * embedded espeak-ng, `none`.
 */
import type { ModelService } from './model-service.js';

export interface SynthesizeRequest {
  text: string;
  /** Voice or speaker name; the adapter's default when unset. */
  voice?: string;
  /** ISO 639-1 language, e.g. `en`. */
  language?: string;
  /** Output format: `wav` (default) or `pcm` (raw s16le mono at `AudioChunk.sampleRate`). */
  format?: 'wav' | 'pcm';
  signal?: AbortSignal;
}

export interface AudioChunk {
  /** A complete WAV file per chunk when format is `wav`, raw s16le PCM when `pcm`. */
  audio: Uint8Array;
  format: 'wav' | 'pcm';
  sampleRate: number;
  /** The text this chunk speaks, when the adapter knows it (sentence by sentence). */
  text?: string;
}

export interface Synthesizer extends ModelService {
  /** Streams audio chunks; throws a PlatformError naming the service on failure. */
  synthesize(request: SynthesizeRequest): AsyncIterable<AudioChunk>;
  /** Voices the engine offers. */
  voices(): Promise<string[]>;
}
