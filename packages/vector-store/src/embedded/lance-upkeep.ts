/**
 * Index upkeep of one Lance table after writes: folds new rows into the indexes (Lance's BM25
 * over rows its inverted index has not taken in yet misses matches, seen with lancedb 0.31, so
 * the index must stay current), builds the vector index once the table is big enough to need
 * one, and drops old table versions. A watchdog gives up on an upkeep that stalls.
 */
import { Index, type Table } from '@lancedb/lancedb';
import type { VectorCollectionSpec, VectorMetric } from '../port.js';

/** Lance's names for the port's metrics. */
export const LANCE_METRIC = { cosine: 'cosine', l2: 'l2', ip: 'dot' } as const;
/** Old table versions kept for readers still on them; later ones are deleted by upkeep. */
const KEEP_VERSIONS_MS = 10 * 60_000;

/** The vector index (chosen by benchmark, see README): HNSW over scalar-quantized vectors. */
function vectorIndex(metric: VectorMetric): Index {
  return Index.hnswSq({
    distanceType: LANCE_METRIC[metric],
    numPartitions: 1,
    m: 16,
    efConstruction: 150,
  });
}

/** A collection's table and what upkeep knows of it. */
export interface KeptTable {
  spec: VectorCollectionSpec;
  table: Table;
  hasVectorIndex: boolean;
  /** Set when an index upkeep never finished: later writes skip upkeep. */
  upkeepStalled?: boolean;
}

/**
 * Runs one upkeep of `kept`; returns what went wrong, for health (undefined when it finished).
 * The rows are committed before upkeep runs, so a failed or stalled one loses nothing.
 */
export async function upkeepTable(
  kept: KeptTable,
  settings: { vectorIndexMinRows: number; timeoutMs: number },
): Promise<string | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const stalled = new Promise<'stalled'>((resolve) => {
    timer = setTimeout(() => resolve('stalled'), settings.timeoutMs);
    timer.unref();
  });
  const work = (async () => {
    if (!kept.hasVectorIndex && (await kept.table.countRows()) >= settings.vectorIndexMinRows) {
      await kept.table.createIndex('vector', { config: vectorIndex(kept.spec.metric) });
      kept.hasVectorIndex = true;
    }
    await kept.table.optimize({ cleanupOlderThan: new Date(Date.now() - KEEP_VERSIONS_MS) });
  })();
  try {
    if ((await Promise.race([work, stalled])) === 'stalled') {
      // A Lance optimize can stall for good (lance-format/lance#7439). Writes must not wait on
      // it: the rows are committed and searchable; later writes skip upkeep, health says so.
      kept.upkeepStalled = true;
      work.catch(() => undefined);
      return `${kept.spec.name}: index upkeep did not finish within ${settings.timeoutMs} ms; skipped from now on (restart to retry)`;
    }
    return undefined;
  } catch (error) {
    // Exact vector search still finds the rows; the next write retries.
    return `${kept.spec.name}: ${String(error)}`;
  } finally {
    clearTimeout(timer);
  }
}
