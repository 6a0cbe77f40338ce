/**
 * Lazy load and idle unload for one llama.cpp adapter: the GGUF file is checked and loaded on
 * first use (through the shared engine), the adapter's own context is made from it, and both
 * are let go after `idleUnloadMs` without a call, so that starting the platform stays fast and
 * an unused model gives its memory back.
 */
import { access } from 'node:fs/promises';
import { PlatformError } from '@homelab-ai/contracts';
import type { LlamaModel } from 'node-llama-cpp';
import { acquireModel, type LlamaGpu, type ModelLease } from './llama-engine.js';

export const DEFAULT_IDLE_UNLOAD_MS = 15 * 60_000;

export interface IdleModelSettings<Resource> {
  modelPath: string;
  gpu: LlamaGpu;
  /** Unload after this long without a call (0 keeps it loaded). */
  idleUnloadMs: number;
  /** What the `model_not_configured` error says when the file is missing. */
  missingFileMessage: string;
  /** Build the adapter's context from the loaded model; throw a PlatformError to explain. */
  open(model: LlamaModel): Promise<Resource>;
  dispose(resource: Resource): Promise<void>;
}

interface Loaded<Resource> {
  lease: ModelLease;
  resource: Resource;
}

export class IdleModel<Resource> {
  private loading: Promise<Loaded<Resource>> | undefined;
  private busy = 0;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly settings: IdleModelSettings<Resource>) {}

  /** Whether the model is loaded (or loading) now. */
  get loaded(): boolean {
    return this.loading !== undefined;
  }

  /** Whether the GGUF file is there. */
  async fileExists(): Promise<boolean> {
    try {
      await access(this.settings.modelPath);
      return true;
    } catch {
      return false;
    }
  }

  /** Run `work` with the loaded resource; the idle clock starts again when it ends. */
  async use<Result>(work: (resource: Resource, model: LlamaModel) => Promise<Result>) {
    this.busy += 1;
    clearTimeout(this.idleTimer);
    try {
      const { resource, lease } = await this.load();
      return await work(resource, lease.model);
    } finally {
      this.busy -= 1;
      if (this.busy === 0) this.scheduleUnload();
    }
  }

  private load(): Promise<Loaded<Resource>> {
    this.loading ??= this.open();
    const loading = this.loading;
    loading.catch(() => {
      if (this.loading === loading) this.loading = undefined;
    });
    return loading;
  }

  private async open(): Promise<Loaded<Resource>> {
    const { modelPath, gpu } = this.settings;
    if (!(await this.fileExists()))
      throw new PlatformError('model_not_configured', this.settings.missingFileMessage);
    let lease: ModelLease;
    try {
      lease = await acquireModel(modelPath, gpu);
    } catch (error) {
      throw new PlatformError(
        'model_rejected',
        `llama.cpp could not load ${modelPath}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    try {
      return { lease, resource: await this.settings.open(lease.model) };
    } catch (error) {
      await lease.release();
      if (error instanceof PlatformError) throw error;
      throw new PlatformError(
        'model_rejected',
        `llama.cpp could not create a context for ${modelPath}: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  private scheduleUnload(): void {
    const idleMs = this.settings.idleUnloadMs;
    if (idleMs <= 0 || !this.loading) return;
    this.idleTimer = setTimeout(() => void this.unload(), idleMs);
    this.idleTimer.unref();
  }

  private async unload(force = false): Promise<void> {
    if (this.busy > 0 && !force) return;
    const loading = this.loading;
    this.loading = undefined;
    const loaded = await loading?.catch(() => undefined);
    if (!loaded) return;
    await this.settings.dispose(loaded.resource);
    await loaded.lease.release();
  }

  /** Unload now, even under a running call; a later call loads again. */
  async close(): Promise<void> {
    clearTimeout(this.idleTimer);
    await this.unload(true);
  }
}
