/**
 * The worker thread that owns an embedded PGlite: opening PGlite (WASM start and, the first
 * time, initdb) keeps a thread busy for seconds, and every query is CPU work too; here they do
 * not stall the platform's event loop. It runs at a lower priority than the event loop: on a
 * busy machine, writing a finished turn waits rather than the next turn's first token.
 * Speaks the protocol of `pglite-worker-client.ts`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { lowerThisThreadPriority } from '@homelab-ai/contracts';
import { holdTransaction, type HeldTransaction } from './held-transaction.js';
import type { WorkerError, WorkerReply, WorkerRequest } from './pglite-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread only');

lowerThisThreadPriority();
const { dataDir } = workerData as { dataDir: string };
const opening = PGlite.create({ dataDir });
const transactions = new Map<number, HeldTransaction<Transaction>>();
let nextTransaction = 1;

async function begin(pglite: PGlite): Promise<number> {
  const id = nextTransaction++;
  transactions.set(id, await holdTransaction<Transaction>(pglite));
  return id;
}

async function run(request: WorkerRequest): Promise<unknown> {
  const pglite = await opening;
  const target = (transactionId: number | undefined) => {
    if (transactionId === undefined) return pglite;
    const open = transactions.get(transactionId);
    if (!open) throw new Error(`transaction ${transactionId} is not open`);
    return open.tx;
  };
  switch (request.op) {
    case 'open':
      return null;
    case 'query':
      return await target(request.transaction).query(request.sql, request.params);
    case 'exec':
      return await target(request.transaction).exec(request.sql);
    case 'begin':
      return begin(pglite);
    case 'end': {
      const open = transactions.get(request.transaction);
      if (!open) throw new Error(`transaction ${request.transaction} is not open`);
      transactions.delete(request.transaction);
      open.settle(request.outcome);
      await open.finished;
      return null;
    }
    case 'close':
      if (!pglite.closed) await pglite.close();
      return null;
  }
}

/** The fields of an error that survive the thread boundary (SQLSTATE `code` above all). */
function serializeError(error: unknown): WorkerError {
  const record = (typeof error === 'object' && error !== null ? error : {}) as Record<
    string,
    unknown
  >;
  const text = (key: string) => (typeof record[key] === 'string' ? record[key] : undefined);
  return {
    message: error instanceof Error ? error.message : String(error),
    name: text('name') ?? 'Error',
    code: text('code'),
    detail: text('detail'),
    hint: text('hint'),
  };
}

port.on('message', (request: WorkerRequest) => {
  run(request).then(
    (result) => port.postMessage({ id: request.id, result } satisfies WorkerReply),
    (error: unknown) =>
      port.postMessage({ id: request.id, error: serializeError(error) } satisfies WorkerReply),
  );
});
