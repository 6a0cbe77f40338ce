/**
 * A small pool of parse worker threads, started on first use and kept: jobs wait in order for
 * a free worker. A job that is cancelled, or whose worker dies, ends that worker (a new one
 * takes its place); idle workers do not keep the process alive.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { PlatformError } from '@homelab-ai/contracts';
import type { Chunk } from '../../chunk/index.js';
import type { ParseDone, ParseJob, ParseJobOptions, ParseReply, ParseSource } from './protocol.js';

interface PendingJob {
  job: ParseJob;
  onChunks: (chunks: Chunk[]) => void;
  resolve: (done: ParseDone) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker | undefined;
  current: PendingJob | undefined;
}

const WORKER_URL = new URL('./parse-worker.js', import.meta.url);

export class ParseWorkerPool {
  readonly size: number;
  readonly #slots: Slot[];
  readonly #queue: PendingJob[] = [];
  #nextId = 1;

  constructor(size: number) {
    this.size = size;
    this.#slots = Array.from({ length: size }, () => ({ worker: undefined, current: undefined }));
    for (const slot of this.#slots) this.#start(slot);
  }

  /** Runs one job; `onChunks` gets its chunks as the worker posts them. */
  run(
    options: ParseJobOptions & { source: ParseSource },
    onChunks: (chunks: Chunk[]) => void,
    signal?: AbortSignal,
  ): Promise<ParseDone> {
    return new Promise<ParseDone>((resolve, reject) => {
      const pending: PendingJob = {
        job: { ...options, id: this.#nextId++ },
        onChunks,
        resolve,
        reject,
      };
      if (signal) {
        const onAbort = () => this.#cancel(pending, signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        const settle = () => signal.removeEventListener('abort', onAbort);
        pending.resolve = (done) => (settle(), resolve(done));
        pending.reject = (error) => (settle(), reject(error));
      }
      this.#queue.push(pending);
      this.#dispatch();
    });
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (slot.current) continue;
      const next = this.#queue.shift();
      if (!next) return;
      const worker = slot.worker ?? this.#start(slot);
      slot.current = next;
      worker.ref();
      worker.postMessage(next.job);
    }
  }

  #start(slot: Slot): Worker {
    const worker = new Worker(WORKER_URL);
    slot.worker = worker;
    worker.on('message', (reply: ParseReply) => {
      const current = slot.current;
      if (!current || reply.id !== current.job.id) return;
      if (reply.kind === 'chunks') return current.onChunks(reply.chunks);
      this.#release(slot);
      if (reply.kind === 'done') current.resolve(reply);
      else current.reject(new PlatformError(reply.error.code, reply.error.message));
    });
    const lost = (reason: string) => {
      if (slot.worker !== worker) return;
      const current = slot.current;
      slot.worker = undefined;
      this.#release(slot);
      current?.reject(
        new PlatformError(
          'invalid_input',
          `${current.job.filename}: the parser stopped (${reason}); the file may be malformed or too complex`,
        ),
      );
    };
    worker.on('error', (error) => lost(error.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    if (!slot.current) worker.unref();
    return worker;
  }

  #release(slot: Slot): void {
    slot.current = undefined;
    slot.worker?.unref();
    queueMicrotask(() => this.#dispatch());
  }

  #cancel(pending: PendingJob, reason: unknown): void {
    const error = new PlatformError('cancelled', `parsing ${pending.job.filename} was cancelled`, {
      cause: reason,
    });
    const queued = this.#queue.indexOf(pending);
    if (queued !== -1) this.#queue.splice(queued, 1);
    const slot = this.#slots.find((candidate) => candidate.current === pending);
    if (slot) {
      // A worker cannot be interrupted mid-page: it is ended and replaced.
      const worker = slot.worker;
      slot.worker = undefined;
      this.#release(slot);
      void worker?.terminate();
    }
    pending.reject(error);
  }
}

let shared: ParseWorkerPool | undefined;

/** The process's parse workers: one per core, 1 to 4. */
export function parseWorkerPool(): ParseWorkerPool {
  shared ??= new ParseWorkerPool(Math.min(4, Math.max(1, availableParallelism())));
  return shared;
}
