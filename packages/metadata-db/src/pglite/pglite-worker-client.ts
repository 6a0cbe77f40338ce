/**
 * PGlite in a worker thread, seen from the main thread: the `query`, `exec` and `transaction`
 * the Kysely dialect uses, each a message to the worker (`pglite-worker.ts`). Errors come back
 * with their SQLSTATE `code`, so they map to PlatformErrors as before.
 */
import { Worker } from 'node:worker_threads';
import type { Results } from '@electric-sql/pglite';
import type { PgliteSession, PgliteSessionTransaction } from './pglite-dialect.js';
import type { WorkerCall, WorkerReply } from './pglite-worker-protocol.js';

export interface WorkerPglite extends PgliteSession {
  readonly closed: boolean;
  close(): Promise<void>;
}

/** Starts the worker and waits until PGlite in it is open. */
export async function openPgliteInWorker(dataDir: string): Promise<WorkerPglite> {
  const worker = new Worker(new URL('./pglite-worker.js', import.meta.url), {
    workerData: { dataDir },
  });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextId = 1;
  let closed = false;
  let failure: Error | undefined;

  const failAll = (error: Error) => {
    failure = error;
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  };
  worker.on('message', (reply: WorkerReply) => {
    const waiter = pending.get(reply.id);
    if (!waiter) return;
    pending.delete(reply.id);
    if (reply.error) {
      waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
    } else waiter.resolve(reply.result);
  });
  worker.on('error', (error) => failAll(error));
  worker.on('exit', (code) => {
    closed = true;
    failAll(new Error(`the PGlite worker exited (code ${code})`));
  });

  const call = <T>(request: WorkerCall): Promise<T> => {
    if (failure) return Promise.reject(failure);
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve, reject });
      worker.postMessage({ ...request, id });
    });
  };

  const session = (transaction?: number) => ({
    query: (sql: string, params: unknown[] = []) =>
      call<Results>({ op: 'query', sql, params, ...(transaction ? { transaction } : {}) }),
    exec: (sql: string) =>
      call<Results[]>({ op: 'exec', sql, ...(transaction ? { transaction } : {}) }),
  });

  try {
    await call({ op: 'open' });
  } catch (error) {
    await worker.terminate();
    throw error;
  }

  return {
    ...session(),
    get closed() {
      return closed;
    },
    async transaction<T>(callback: (tx: PgliteSessionTransaction) => Promise<T>): Promise<T> {
      const transaction = await call<number>({ op: 'begin' });
      let rolledBack = false;
      const tx: PgliteSessionTransaction = {
        ...session(transaction),
        rollback: () => {
          rolledBack = true;
          return Promise.resolve();
        },
      };
      let result: T;
      try {
        result = await callback(tx);
      } catch (error) {
        await call({ op: 'end', transaction, outcome: 'rollback' }).catch(() => undefined);
        throw error;
      }
      await call({ op: 'end', transaction, outcome: rolledBack ? 'rollback' : 'commit' });
      return result;
    },
    async close() {
      if (closed) return;
      await call({ op: 'close' }).catch(() => undefined);
      closed = true;
      await worker.terminate();
    },
  };
}
