/**
 * Transcriber on the embedded whisper.cpp engine (`@fugood/whisper.node`) and a ggml model file.
 * The engine is loaded on first use and released after a while without requests; requests run
 * one at a time on the one context. Audio goes in as 16 kHz mono s16 PCM.
 */
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { Transcriber, TranscribeRequest, Transcription } from '../ports/transcriber.js';
import { toRecognitionAudio } from './resample.js';
import { floatToPcm16 } from './wav.js';

export interface WhisperTranscriberSettings {
  /** A whisper.cpp ggml model, e.g. `ggml-base.en.bin`. */
  modelPath: string;
  /** Default language when a request gives none; `auto` (default) detects it. */
  language?: string;
  /** CPU threads; default: the machine's cores. */
  threads?: number;
  /** Release the model after this long without a request (0 keeps it loaded); default 5 min. */
  idleUnloadMs?: number;
}

/** The part of `@fugood/whisper.node` used here (the package ships no type declarations). */
interface WhisperJob {
  stop: () => Promise<void>;
  promise: Promise<{ result: string; language?: string; isAborted: boolean }>;
}
interface WhisperContext {
  transcribeData(
    pcm: ArrayBuffer,
    options: {
      language: string;
      maxThreads: number;
      temperature: number;
      onNewSegments: (segments: { result: string }) => void;
    },
  ): WhisperJob;
  release(): Promise<void>;
}
interface WhisperBinding {
  initWhisper(options: { filePath: string; useGpu?: boolean }): Promise<WhisperContext>;
}

const DEFAULT_IDLE_UNLOAD_MS = 5 * 60_000;

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

class WhisperTranscriber implements Transcriber {
  readonly adapter = 'whisper.cpp';
  private loading: Promise<WhisperContext> | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: WhisperTranscriberSettings) {}

  get modelName(): string {
    return this.settings.modelPath.split('/').at(-1) ?? this.settings.modelPath;
  }

  private async checkModelFile(): Promise<void> {
    try {
      await access(this.settings.modelPath);
    } catch {
      throw new PlatformError(
        'model_not_configured',
        `whisper.cpp: model file ${this.settings.modelPath} does not exist; run ` +
          '`npx homelab-ai models pull whisper-base` or point WHISPER_MODEL_PATH at a ggml model',
      );
    }
  }

  private load(): Promise<WhisperContext> {
    this.loading ??= (async () => {
      await this.checkModelFile();
      try {
        // A variable specifier: the package has no type declarations, so it is typed above.
        const specifier = '@fugood/whisper.node';
        const binding = (await import(specifier)) as WhisperBinding;
        return await binding.initWhisper({ filePath: this.settings.modelPath, useGpu: false });
      } catch (error) {
        // Not retryable: a corrupt or foreign file stays corrupt until it is replaced.
        throw new PlatformError(
          'model_not_configured',
          `whisper.cpp: cannot load ${this.settings.modelPath} (${describe(error)}); it must be a ` +
            'whisper.cpp ggml model: run `npx homelab-ai models pull whisper-base`',
          { cause: error },
        );
      }
    })();
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private scheduleUnload(): void {
    clearTimeout(this.idleTimer);
    const idleMs = this.settings.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS;
    if (idleMs <= 0) return;
    this.idleTimer = setTimeout(() => void this.unload(), idleMs);
    this.idleTimer.unref();
  }

  private async unload(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    const context = await loading?.catch(() => undefined);
    await context?.release();
  }

  transcribe(request: TranscribeRequest): Promise<Transcription> {
    const run = this.queue.then(() => this.transcribeNow(request));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async transcribeNow(request: TranscribeRequest): Promise<Transcription> {
    if (request.signal?.aborted)
      throw new PlatformError('cancelled', 'whisper.cpp: the request was cancelled');
    const audio = toRecognitionAudio(request.audio, request.format, request.sampleRate);
    clearTimeout(this.idleTimer);
    try {
      const context = await this.load();
      if (request.signal?.aborted) {
        throw new PlatformError('cancelled', 'whisper.cpp: the request was cancelled');
      }
      const pcm = floatToPcm16(audio.samples);
      let partial = '';
      const job = context.transcribeData(pcm.buffer as ArrayBuffer, {
        language: request.language ?? this.settings.language ?? 'auto',
        maxThreads: this.settings.threads ?? availableParallelism(),
        temperature: 0,
        onNewSegments: ({ result }) => {
          partial = `${partial} ${result.trim()}`.trim();
          if (partial) request.onPartial?.(partial);
        },
      });
      const stop = () => void job.stop();
      request.signal?.addEventListener('abort', stop, { once: true });
      try {
        const result = await job.promise;
        if (result.isAborted || request.signal?.aborted) {
          throw new PlatformError('cancelled', 'whisper.cpp: the request was cancelled');
        }
        return {
          text: result.result.trim(),
          durationSeconds: audio.durationSeconds,
          ...(result.language ? { language: result.language } : {}),
        };
      } finally {
        request.signal?.removeEventListener('abort', stop);
      }
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      throw new PlatformError(
        'model_error',
        `whisper.cpp: transcription failed: ${describe(error)}`,
        { cause: error },
      );
    } finally {
      this.scheduleUnload();
    }
  }

  async health(): Promise<PortHealth> {
    try {
      await this.checkModelFile();
    } catch (error) {
      return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
    }
    const state = this.loading ? 'loaded' : 'loaded on first use';
    return { healthy: true, detail: `whisper.cpp with ${this.settings.modelPath} (${state})` };
  }

  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.unload();
  }
}

/** A Transcriber on embedded whisper.cpp and a ggml model file, loaded on first use. */
export function createWhisperTranscriber(settings: WhisperTranscriberSettings): Transcriber {
  return new WhisperTranscriber(settings);
}
