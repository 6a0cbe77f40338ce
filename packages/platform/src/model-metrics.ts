/**
 * Latency metrics for the model-service ports: every call is timed into
 * `homelab_model_call_duration_seconds{service, adapter, outcome}` without the ports or their
 * users knowing. A stream counts until its last chunk.
 */
import type {
  AudioChunk,
  EmbedRequest,
  Embedder,
  ModelService,
  RerankRequest,
  Reranker,
  SynthesizeRequest,
  Synthesizer,
  TranscribeRequest,
  Transcriber,
} from '@homelab-ai/models';
import { toPlatformError } from '@homelab-ai/contracts';
import type { PlatformMetrics } from '@homelab-ai/observability';

type Observe = (outcome: string) => void;

function timer(metrics: PlatformMetrics, service: string, adapter: string): Observe {
  const end = metrics.modelCallDuration.startTimer({ service, adapter });
  return (outcome) => end({ outcome });
}

async function timed<T>(observe: Observe, call: () => Promise<T>): Promise<T> {
  try {
    const result = await call();
    observe('ok');
    return result;
  } catch (error) {
    observe(toPlatformError(error).code);
    throw error;
  }
}

/** The members every port shares, forwarded to the port itself. */
function forward(port: ModelService): ModelService {
  return {
    get adapter() {
      return port.adapter;
    },
    get modelName() {
      return port.modelName;
    },
    health: () => port.health(),
    close: () => port.close(),
  };
}

export function measureEmbedder(embedder: Embedder, metrics: PlatformMetrics): Embedder {
  return Object.defineProperties(forward(embedder), {
    dimensions: { get: () => embedder.dimensions },
    embed: {
      value: (request: EmbedRequest) =>
        timed(timer(metrics, 'embeddings', embedder.adapter), () => embedder.embed(request)),
    },
  }) as Embedder;
}

export function measureReranker(reranker: Reranker, metrics: PlatformMetrics): Reranker {
  return Object.defineProperties(forward(reranker), {
    rerank: {
      value: (request: RerankRequest) =>
        timed(timer(metrics, 'reranker', reranker.adapter), () => reranker.rerank(request)),
    },
  }) as Reranker;
}

export function measureTranscriber(
  transcriber: Transcriber,
  metrics: PlatformMetrics,
): Transcriber {
  return Object.defineProperties(forward(transcriber), {
    transcribe: {
      value: (request: TranscribeRequest) =>
        timed(timer(metrics, 'stt', transcriber.adapter), () => transcriber.transcribe(request)),
    },
  }) as Transcriber;
}

export function measureSynthesizer(
  synthesizer: Synthesizer,
  metrics: PlatformMetrics,
): Synthesizer {
  async function* synthesize(request: SynthesizeRequest): AsyncGenerator<AudioChunk> {
    const observe = timer(metrics, 'tts', synthesizer.adapter);
    try {
      yield* synthesizer.synthesize(request);
      observe('ok');
    } catch (error) {
      observe(toPlatformError(error).code);
      throw error;
    }
  }
  return Object.defineProperties(forward(synthesizer), {
    synthesize: { value: synthesize },
    voices: { value: () => synthesizer.voices() },
  }) as Synthesizer;
}
