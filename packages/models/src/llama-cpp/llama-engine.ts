/**
 * The embedded llama.cpp engine shared by the chat, embedding and reranking adapters: one
 * `getLlama` per process (per GPU choice), and each GGUF file loaded once and shared by every
 * adapter that uses it, disposed when the last of them lets go (reference counted).
 */
import { availableParallelism } from 'node:os';
import type { Llama, LlamaModel } from 'node-llama-cpp';

/** `false` forces CPU; `auto` lets node-llama-cpp pick CUDA/Vulkan/Metal when present. */
export type LlamaGpu = false | 'auto';

/** A hold on a loaded model; call `release` once when done with it. */
export interface ModelLease {
  readonly model: LlamaModel;
  release(): Promise<void>;
}

interface SharedModel {
  references: number;
  loading: Promise<LlamaModel>;
}

/**
 * Default CPU threads for embedding and reranking: half the cores, so that they leave room for a
 * chat generation running at the same time. ggml threads spin while they wait for each other;
 * oversubscribed cores made embedding ~100x slower in our measurements (2 cores, busy machine).
 */
export function sharedCpuThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

const engines = new Map<string, Promise<Llama>>();
const models = new Map<string, SharedModel>();

/** The process-wide llama.cpp binding, imported and started on first call. */
export function llamaEngine(gpu: LlamaGpu): Promise<Llama> {
  const key = String(gpu);
  let engine = engines.get(key);
  if (!engine) {
    engine = (async () => {
      const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
      // build: 'never' — use the prebuilt binary from npm; never download or compile at run time.
      return getLlama({ gpu, build: 'never', logLevel: LlamaLogLevel.error, progressLogs: false });
    })();
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  return engine;
}

/** Load `modelPath` (or share the copy already loaded) and hold it until `release`. */
export async function acquireModel(modelPath: string, gpu: LlamaGpu): Promise<ModelLease> {
  const key = `${String(gpu)}:${modelPath}`;
  let shared = models.get(key);
  if (!shared) {
    const loading = llamaEngine(gpu).then((llama) => llama.loadModel({ modelPath }));
    shared = { references: 0, loading };
    models.set(key, shared);
    const entry = shared;
    loading.catch(() => {
      if (models.get(key) === entry) models.delete(key);
    });
  }
  shared.references += 1;
  const entry = shared;
  let model: LlamaModel;
  try {
    model = await entry.loading;
  } catch (error) {
    entry.references -= 1;
    throw error;
  }
  let released = false;
  return {
    model,
    release: async () => {
      if (released) return;
      released = true;
      entry.references -= 1;
      if (entry.references > 0) return;
      if (models.get(key) === entry) models.delete(key);
      await model.dispose();
    },
  };
}
