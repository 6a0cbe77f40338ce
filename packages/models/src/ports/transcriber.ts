/**
 * The Transcriber port (speech-to-text): audio in, text out. Adapters: OpenAI-compatible
 * `/v1/audio/transcriptions` (faster-whisper servers, Speaches), embedded whisper.cpp,
 * embedded pocketsphinx, `none`.
 */
import type { ModelService } from './model-service.js';

export interface TranscribeRequest {
  /** Encoded audio (WAV, or what the adapter accepts: see `format`). */
  audio: Uint8Array;
  /** Container/codec of `audio`: `wav` (default), `mp3`, `webm`, `ogg`, `flac`, `pcm_s16le`. */
  format?: string;
  /** Sample rate, needed for raw PCM. */
  sampleRate?: number;
  /** ISO 639-1 language hint, e.g. `en`. */
  language?: string;
  /** Called with partial text while transcribing, where the adapter can. */
  onPartial?: (text: string) => void;
  signal?: AbortSignal;
}

export interface Transcription {
  text: string;
  /** Detected or requested language, when known. */
  language?: string;
  /** Audio length in seconds, when known. */
  durationSeconds?: number;
}

export interface Transcriber extends ModelService {
  transcribe(request: TranscribeRequest): Promise<Transcription>;
}
