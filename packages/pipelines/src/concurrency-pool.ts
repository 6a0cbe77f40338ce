/**
 * A bounded pool of step slots shared by every run of a runner: at most `size` steps execute at
 * once; waiters are served first come, first served, and a waiter can give up via its signal.
 */
import { PlatformError, toPlatformError } from '@homelab-ai/contracts';

interface Waiter {
  grant: (release: () => void) => void;
}

export class ConcurrencyPool {
  readonly size: number;
  #inUse = 0;
  readonly #waiters: Waiter[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new PlatformError(
        'invalid_config',
        `pipeline runner concurrency must be a positive integer, not ${size}`,
      );
    }
    this.size = size;
  }

  /** Slots taken right now. */
  get inUse(): number {
    return this.#inUse;
  }

  /** Waits for a slot; resolves with the function that gives it back (call it exactly once). */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(toPlatformError(signal.reason));
    if (this.#inUse < this.size) {
      this.#inUse += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(toPlatformError(signal.reason));
      };
      const waiter: Waiter = {
        grant: (release) => {
          signal.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiters.shift();
      // The slot passes straight to the next waiter, so `inUse` never dips in between.
      if (next !== undefined) next.grant(this.#releaser());
      else this.#inUse -= 1;
    };
  }
}
