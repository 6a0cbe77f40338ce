/**
 * The model-service ports (embeddings, reranker, speech-to-text, text-to-speech) from
 * configuration: a URL means a remote server speaking the configured protocol; otherwise the
 * embedded engine on a model file (set, or found in the models folder), or a stand-in that
 * says what is missing. Every port is wrapped with latency metrics.
 */
import type { PlatformConfig } from '@homelab-ai/config';
import {
  createCohereReranker,
  createEspeakSynthesizer,
  createLlamaCppEmbedder,
  createLlamaCppReranker,
  createOpenAiEmbedder,
  createOpenAiSynthesizer,
  createOpenAiTranscriber,
  createPocketsphinxTranscriber,
  createTeiEmbedder,
  createTeiReranker,
  createUnconfiguredEmbedder,
  createUnconfiguredReranker,
  createWhisperTranscriber,
  createXttsSynthesizer,
  findInstalledModel,
  type Embedder,
  type Reranker,
  type Synthesizer,
  type Transcriber,
} from '@homelab-ai/models';
import type { PlatformMetrics } from '@homelab-ai/observability';

import {
  measureEmbedder,
  measureReranker,
  measureSynthesizer,
  measureTranscriber,
} from './model-metrics.js';

export interface ModelServices {
  embedder: Embedder;
  reranker: Reranker;
  transcriber: Transcriber;
  synthesizer: Synthesizer;
}

function remoteSettings(
  remote: { url: string; model: string | undefined; apiKey: string | undefined },
  timeoutMs: number,
) {
  return { baseUrl: remote.url, model: remote.model, apiKey: remote.apiKey, timeoutMs };
}

async function embedderFrom(config: PlatformConfig): Promise<Embedder> {
  const { embeddings, timeoutMs, idleUnloadMs } = config.models;
  if (embeddings.remote) {
    const settings = remoteSettings(embeddings.remote, timeoutMs);
    return embeddings.remote.api === 'tei'
      ? createTeiEmbedder(settings)
      : createOpenAiEmbedder(settings);
  }
  const modelPath =
    embeddings.modelPath ?? (await findInstalledModel(config.modelsDir, 'embedding'));
  if (!modelPath) return createUnconfiguredEmbedder();
  return createLlamaCppEmbedder({
    modelPath,
    idleUnloadMs,
    ...(config.llm.threads === undefined ? {} : { threads: config.llm.threads }),
  });
}

async function rerankerFrom(config: PlatformConfig): Promise<Reranker> {
  const { reranker, timeoutMs, idleUnloadMs } = config.models;
  if (reranker.remote) {
    const settings = remoteSettings(reranker.remote, timeoutMs);
    return reranker.remote.api === 'tei'
      ? createTeiReranker(settings)
      : createCohereReranker(settings);
  }
  const modelPath = reranker.modelPath ?? (await findInstalledModel(config.modelsDir, 'reranker'));
  if (!modelPath) return createUnconfiguredReranker();
  return createLlamaCppReranker({
    modelPath,
    idleUnloadMs,
    ...(config.llm.threads === undefined ? {} : { threads: config.llm.threads }),
  });
}

async function transcriberFrom(config: PlatformConfig): Promise<Transcriber> {
  const { stt, timeoutMs, idleUnloadMs } = config.models;
  if (stt.remote) {
    return createOpenAiTranscriber({
      ...remoteSettings(stt.remote, timeoutMs),
      responseFormat: 'verbose_json',
    });
  }
  const modelPath = stt.whisperModelPath ?? (await findInstalledModel(config.modelsDir, 'stt'));
  if (modelPath) {
    return createWhisperTranscriber({
      modelPath,
      idleUnloadMs,
      ...(config.llm.threads === undefined ? {} : { threads: config.llm.threads }),
    });
  }
  return createPocketsphinxTranscriber();
}

function synthesizerFrom(config: PlatformConfig): Synthesizer {
  const { tts, timeoutMs } = config.models;
  if (tts.remote) {
    const settings = remoteSettings(tts.remote, timeoutMs);
    return tts.remote.api === 'xtts'
      ? createXttsSynthesizer({ ...settings, speaker: tts.voice })
      : createOpenAiSynthesizer({ ...settings, voice: tts.voice });
  }
  return createEspeakSynthesizer(tts.voice ? { voice: tts.voice } : {});
}

export async function createModelServicesFromConfig(
  config: PlatformConfig,
  metrics: PlatformMetrics,
): Promise<ModelServices> {
  const [embedder, reranker, transcriber] = await Promise.all([
    embedderFrom(config),
    rerankerFrom(config),
    transcriberFrom(config),
  ]);
  return {
    embedder: measureEmbedder(embedder, metrics),
    reranker: measureReranker(reranker, metrics),
    transcriber: measureTranscriber(transcriber, metrics),
    synthesizer: measureSynthesizer(synthesizerFrom(config), metrics),
  };
}
