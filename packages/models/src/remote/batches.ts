/**
 * Runs a call over an input split into batches, a bounded number at a time, and puts the
 * answers back in input order. The first failure stops the batches still in flight.
 */

export interface BatchRun<T, R> {
  items: readonly T[];
  batchSize: number;
  concurrency: number;
  signal?: AbortSignal | undefined;
  /** Answers one batch: exactly one result per item, in order. */
  call: (batch: T[], signal: AbortSignal) => Promise<R[]>;
}

/** Splits `items` into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    batches.push(items.slice(start, start + size));
  return batches;
}

export async function runBatches<T, R>(run: BatchRun<T, R>): Promise<R[]> {
  const batches = chunk(run.items, Math.max(1, run.batchSize));
  const answers: R[][] = new Array<R[]>(batches.length);
  const stop = new AbortController();
  const signal = run.signal ? AbortSignal.any([run.signal, stop.signal]) : stop.signal;
  let next = 0;
  let firstError: Error | undefined;
  const worker = async () => {
    while (next < batches.length && firstError === undefined) {
      const index = next++;
      try {
        answers[index] = await run.call(batches[index] ?? [], signal);
      } catch (error) {
        firstError ??= error instanceof Error ? error : new Error(String(error));
        stop.abort();
      }
    }
  };
  const workers = Math.max(1, Math.min(run.concurrency, batches.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (firstError !== undefined) throw firstError;
  return answers.flat();
}
