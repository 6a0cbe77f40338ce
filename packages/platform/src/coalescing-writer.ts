/**
 * Writes items one batch at a time, coalescing those that arrive while a write is in flight
 * into the next one: the first item goes at once, and under load a single statement stores
 * whatever queued meanwhile (a chat turn's record costs the embedded database about 1.5 ms alone
 * and about 0.5 ms in a statement of four). Items with the same key never share a batch, so a
 * redelivery and its original get one outcome each. When a batch fails, each of its items is
 * written again alone, so that each learns its own outcome.
 */
interface Pending<I, O> {
  item: I;
  resolve(outcome: O): void;
  reject(error: unknown): void;
}

export class CoalescingWriter<I, O> {
  #queue: Pending<I, O>[] = [];
  #writing = false;

  constructor(
    /** Writes a batch; returns one outcome per item, in order. */
    private readonly writeBatch: (items: I[]) => Promise<O[]>,
    private readonly keyOf: (item: I) => string,
    private readonly maxBatch = 32,
  ) {}

  write(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      if (!this.#writing) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#writing = true;
    try {
      while (this.#queue.length > 0) await this.#writeNext(this.#takeBatch());
    } finally {
      this.#writing = false;
    }
  }

  /** The oldest queued items with distinct keys, up to `maxBatch`; the rest stay queued. */
  #takeBatch(): Pending<I, O>[] {
    const batch: Pending<I, O>[] = [];
    const keys = new Set<string>();
    const rest: Pending<I, O>[] = [];
    for (const pending of this.#queue) {
      const key = this.keyOf(pending.item);
      if (batch.length < this.maxBatch && !keys.has(key)) {
        keys.add(key);
        batch.push(pending);
      } else rest.push(pending);
    }
    this.#queue = rest;
    return batch;
  }

  async #writeNext(batch: Pending<I, O>[]): Promise<void> {
    try {
      settle(batch, await this.writeBatch(batch.map((pending) => pending.item)));
    } catch (error) {
      if (batch.length === 1) return batch[0]?.reject(error);
      for (const pending of batch) {
        try {
          settle([pending], await this.writeBatch([pending.item]));
        } catch (alone) {
          pending.reject(alone);
        }
      }
    }
  }
}

function settle<I, O>(batch: Pending<I, O>[], outcomes: O[]): void {
  batch.forEach((pending, index) => {
    if (index < outcomes.length) pending.resolve(outcomes[index] as O);
    else pending.reject(new Error(`a batch write returned ${outcomes.length} outcomes`));
  });
}
