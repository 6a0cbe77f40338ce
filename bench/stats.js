// Small statistics helpers for the benchmarks.
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

/** Times `count` sequential calls of `once` in microseconds. */
export async function timeEach(count, once) {
  const samples = new Array(count);
  for (let index = 0; index < count; index++) {
    const start = process.hrtime.bigint();
    await once(index);
    samples[index] = Number(process.hrtime.bigint() - start) / 1000;
  }
  return samples;
}
