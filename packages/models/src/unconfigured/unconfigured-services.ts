/**
 * Stand-ins for model services that nothing is configured for: each says what is missing and
 * the exact command or variable that fixes it, and never invents a result.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { Embedder } from '../ports/embedder.js';
import type { Reranker } from '../ports/reranker.js';
import type { Synthesizer } from '../ports/synthesizer.js';
import type { Transcriber } from '../ports/transcriber.js';

export const NO_EMBEDDER_MESSAGE =
  'No embedding model is configured, so retrieval is lexical-only (BM25). Run ' +
  '`npx homelab-ai models pull bge-small-en-v1.5` (picked up at the next start), or set ' +
  'EMBEDDINGS_URL to an OpenAI-compatible or TEI server, or EMBEDDINGS_MODEL_PATH to a GGUF file.';

export const NO_RERANKER_MESSAGE =
  'No reranker is configured, so results keep their hybrid-search order. Run ' +
  '`npx homelab-ai models pull bge-reranker-v2-m3`, or set RERANKER_URL (Cohere-style or TEI ' +
  '/rerank) or RERANKER_MODEL_PATH to a GGUF reranker.';

export const NO_TRANSCRIBER_MESSAGE =
  'No speech-to-text engine is available. Install pocketsphinx (`apt-get install pocketsphinx ' +
  'pocketsphinx-en-us`), run `npx homelab-ai models pull whisper-base`, or set STT_URL to a ' +
  'faster-whisper / OpenAI-compatible server.';

export const NO_SYNTHESIZER_MESSAGE =
  'No text-to-speech engine is available. Install espeak-ng (`apt-get install espeak-ng`) or set ' +
  'TTS_URL to an OpenAI-compatible or XTTS server.';

function unconfigured(message: string) {
  return {
    adapter: 'none',
    modelName: 'none',
    health: () => Promise.resolve({ healthy: false, detail: message }),
    close: () => Promise.resolve(),
  };
}

function fail(message: string): Promise<never> {
  return Promise.reject(new PlatformError('model_not_configured', message));
}

export function createUnconfiguredEmbedder(): Embedder {
  return {
    ...unconfigured(NO_EMBEDDER_MESSAGE),
    dimensions: undefined,
    embed: () => fail(NO_EMBEDDER_MESSAGE),
  };
}

export function createUnconfiguredReranker(): Reranker {
  return { ...unconfigured(NO_RERANKER_MESSAGE), rerank: () => fail(NO_RERANKER_MESSAGE) };
}

export function createUnconfiguredTranscriber(): Transcriber {
  return {
    ...unconfigured(NO_TRANSCRIBER_MESSAGE),
    transcribe: () => fail(NO_TRANSCRIBER_MESSAGE),
  };
}

export function createUnconfiguredSynthesizer(): Synthesizer {
  return {
    ...unconfigured(NO_SYNTHESIZER_MESSAGE),
    // eslint-disable-next-line require-yield
    async *synthesize() {
      await Promise.resolve();
      throw new PlatformError('model_not_configured', NO_SYNTHESIZER_MESSAGE);
    },
    voices: () => Promise.resolve([]),
  };
}
