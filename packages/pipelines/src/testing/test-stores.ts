/**
 * Test support: a real embedded metadata DB and file object store in a temporary folder, an
 * event recorder that can be awaited, and a gate a step can wait on.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMetadataDb, type MetadataDb } from '@homelab-ai/metadata-db';
import { createFileObjectStore, type ObjectStore } from '@homelab-ai/object-store';
import type { PipelineEvent } from '../run-view.js';

export interface TestStores {
  db: MetadataDb;
  objects: ObjectStore;
  dispose(): Promise<void>;
}

/** Opens PGlite (seconds on first open: share one per test file) and a file object store. */
export async function openTestStores(): Promise<TestStores> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-pipelines-'));
  const db = await openMetadataDb({ dataDir });
  const objects = createFileObjectStore({ rootDir: join(dataDir, 'objects') });
  return {
    db,
    objects,
    async dispose() {
      await objects.close();
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Collects runner events; `next` resolves at the first (past or future) matching event. */
export class EventRecorder {
  readonly events: PipelineEvent[] = [];
  readonly #waiters: Array<{ match: (event: PipelineEvent) => boolean; resolve: () => void }> = [];

  readonly listener = (event: PipelineEvent): void => {
    this.events.push(event);
    for (const waiter of [...this.#waiters]) {
      if (waiter.match(event)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  };

  /** The events of one run. */
  of(runId: string): PipelineEvent[] {
    return this.events.filter((event) => event.runId === runId);
  }

  /** Waits until an event matches (at most `timeoutMs`, so a broken runner fails the test). */
  next(match: (event: PipelineEvent) => boolean, timeoutMs = 10_000): Promise<void> {
    if (this.events.some(match)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching pipeline event')), timeoutMs);
      this.#waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  /** Waits until `step` of `runId` reports `running`. */
  stepRunning(runId: string, step: string): Promise<void> {
    return this.next(
      (event) =>
        event.runId === runId && event.step?.name === step && event.step.status === 'running',
    );
  }
}

/** A promise a test opens by hand. */
export class Gate {
  readonly opened: Promise<void>;
  open: () => void = () => undefined;

  constructor() {
    this.opened = new Promise((resolve) => {
      this.open = resolve;
    });
  }
}

/** Resolves when the signal aborts, with its reason (for steps that block until stopped). */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
}
