// Small statistics and timing helpers for the benchmarks.
export function percentile(sorted, fraction) {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[index];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 0.5), p99: percentile(sorted, 0.99), n: sorted.length };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Times `count` sequential calls of `once`, in microseconds each. */
export async function timeEach(count, once) {
  const samples = new Array(count);
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await once(index);
    samples[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return samples;
}

/**
 * Times `count` calls of each of `first` and `second`, interleaved one by one (first, second,
 * first, …), so that both see the same machine noise. Microseconds, one list each.
 */
export async function timeInterleaved(count, first, second) {
  const samples = [new Array(count), new Array(count)];
  const sides = [first, second];
  for (let index = 0; index < count; index++) {
    for (let side = 0; side < 2; side++) {
      const start = process.hrtime.bigint();
      await sides[side](index);
      samples[side][index] = Number(process.hrtime.bigint() - start) / 1000;
    }
  }
  return samples;
}

/**
 * Runs every side once per round, alternating the order from one round to the next so that
 * drifting machine noise does not favour one side. Returns each side's list of round results.
 */
export async function alternate(rounds, sides) {
  const names = Object.keys(sides);
  const results = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) results[name].push(await sides[name]());
  }
  return results;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Rejects with `what` when `promise` has not settled within `ms`. */
export function within(ms, what, promise) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
