/** Embedded speech engines: espeak-ng (text-to-speech), pocketsphinx and whisper.cpp (speech-to-text). */
export { createEspeakSynthesizer, type EspeakSynthesizerSettings } from './espeak-synthesizer.js';
export {
  createPocketsphinxTranscriber,
  type PocketsphinxTranscriberSettings,
} from './pocketsphinx-transcriber.js';
export {
  createWhisperTranscriber,
  type WhisperTranscriberSettings,
} from './whisper-transcriber.js';
export {
  measureSpeechRealTimeFactors,
  REAL_TIME_FACTOR_SENTENCE,
  type SpeechRealTimeFactors,
} from './measure-real-time-factor.js';
export { decodeWav, encodeMonoWav, mixToMono, type DecodedAudio } from './wav.js';
export {
  resample,
  toRecognitionAudio,
  SPEECH_RECOGNITION_SAMPLE_RATE,
  type RecognitionAudio,
} from './resample.js';
