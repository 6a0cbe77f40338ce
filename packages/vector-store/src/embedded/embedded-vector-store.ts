/**
 * The embedded VectorStore: one LanceDB database in a directory, one Lance table per collection,
 * an HNSW (scalar-quantized) vector index once a collection is large enough to need one, and
 * Lance's BM25 inverted index on the text. Chosen by benchmark: see this package's README.
 */
import { mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Index, connect, type Connection } from '@lancedb/lancedb';
import { PlatformError, toPlatformError, type PortHealth } from '@homelab-ai/contracts';
import type {
  ChunkFilter,
  ChunkHit,
  ChunkRecord,
  SearchOptions,
  VectorCollectionSpec,
  VectorStore,
} from '../port.js';
import {
  COLUMNS,
  checkCollectionName,
  checkCollectionSpec,
  checkSearchOptions,
  checkVector,
  deletePredicate,
  filterPredicate,
  specFromSchema,
  tableSchema,
  toHit,
  toRows,
  vectorScore,
} from './lance-rows.js';
import { LANCE_METRIC, upkeepTable, type KeptTable } from './lance-upkeep.js';
import { ResidentCopies, type ResidentSource } from './resident-copies.js';

export interface EmbeddedVectorStoreSettings {
  /** Directory of the database; created if missing. */
  dataDir: string;
  /** Rows from which a collection gets its HNSW index (below it, exact search is fast enough). */
  vectorIndexMinRows?: number;
  /** Longest an index upkeep (optimize) may hold up writes before it is given up (default 60 s). */
  upkeepTimeoutMs?: number;
  /**
   * Collections up to this many rows are also kept in memory and searched there (default
   * 10,000, where the HNSW index starts; 0 turns it off). Lance stays the store of record.
   */
  residentMaxRows?: number;
  /** Rows kept in memory over all collections; the least recently searched go first (50,000). */
  residentBudgetRows?: number;
}

interface OpenCollection extends KeptTable {
  /** Writes to one collection run one after another, so upkeep never races an upsert. */
  writes: Promise<unknown>;
}

/** HNSW search breadth: recall@10 0.97 at 100k × 384 in the benchmark (see README). */
const QUERY_EF = 128;
const HIT_COLUMNS = COLUMNS.filter((column) => column !== 'vector');

/** Opens (or creates) the embedded vector store under `settings.dataDir`. */
export async function createEmbeddedVectorStore(
  settings: EmbeddedVectorStoreSettings,
): Promise<VectorStore> {
  // Lance sizes its CPU pool by the core count; with 2 cores its full-text index build stalls for
  // good once a table passes ~110k rows (seen here; with 8 threads it completes). Set before
  // the pool first starts; an explicit LANCE_CPU_THREADS wins.
  process.env.LANCE_CPU_THREADS ??= String(Math.max(8, availableParallelism()));
  try {
    await mkdir(settings.dataDir, { recursive: true });
    const connection = await connect(settings.dataDir);
    return new EmbeddedVectorStore(connection, settings);
  } catch (error) {
    throw new PlatformError(
      'unavailable',
      `cannot open the embedded vector store at ${settings.dataDir}: ${String(error)}`,
      { cause: error },
    );
  }
}

class EmbeddedVectorStore implements VectorStore {
  readonly adapter = 'embedded';
  private readonly collections = new Map<string, Promise<OpenCollection>>();
  private closed = false;
  private lastUpkeepError: string | undefined;
  private readonly vectorIndexMinRows: number;
  private readonly upkeepTimeoutMs: number;
  private readonly residents: ResidentCopies;

  constructor(
    private readonly connection: Connection,
    private readonly settings: EmbeddedVectorStoreSettings,
  ) {
    this.vectorIndexMinRows = settings.vectorIndexMinRows ?? 10_000;
    this.upkeepTimeoutMs = settings.upkeepTimeoutMs ?? 60_000;
    this.residents = new ResidentCopies(
      settings.residentMaxRows ?? 10_000,
      settings.residentBudgetRows ?? 50_000,
    );
  }

  async createCollection(spec: VectorCollectionSpec): Promise<void> {
    this.checkOpen();
    checkCollectionSpec(spec);
    const existing = await this.tryOpen(spec.name);
    if (existing) {
      const { dimension, metric } = existing.spec;
      if (dimension !== spec.dimension || metric !== spec.metric)
        throw new PlatformError(
          'conflict',
          `collection ${spec.name} exists with dimension ${dimension} and metric ${metric}, not ${spec.dimension} and ${spec.metric}`,
        );
      return;
    }
    await this.call(`create collection ${spec.name}`, async () => {
      const table = await this.connection.createEmptyTable(spec.name, tableSchema(spec), {
        mode: 'create',
        existOk: true,
      });
      // The inverted index exists from the start; rows it has not taken in yet are still
      // searched (flat), so BM25 sees every row.
      await table.createIndex('text', { config: Index.fts(), replace: false });
      // Scalar indexes keep owner and document filters from scanning every row.
      await table.createIndex('owner', { config: Index.bitmap(), replace: false });
      await table.createIndex('document_id', { config: Index.btree(), replace: false });
      table.close();
    });
    await this.createCollection(spec);
  }

  async dropCollection(name: string): Promise<void> {
    this.checkOpen();
    checkCollectionName(name);
    const open = this.collections.get(name);
    this.collections.delete(name);
    this.residents.drop(name);
    if (open) (await open.catch(() => undefined))?.table.close();
    if (!(await this.tableNames()).includes(name)) return;
    await this.call(`drop collection ${name}`, () => this.connection.dropTable(name));
  }

  async listCollections(): Promise<VectorCollectionSpec[]> {
    this.checkOpen();
    const specs: VectorCollectionSpec[] = [];
    for (const name of await this.tableNames()) {
      const open = await this.tryOpen(name);
      if (open) specs.push({ ...open.spec });
    }
    return specs;
  }

  async upsert(collection: string, records: readonly ChunkRecord[]): Promise<void> {
    const open = await this.open(collection);
    const rows = toRows(open.spec, records);
    if (rows.length === 0) return;
    await this.serialized(open, async () => {
      // One merge-insert is one Lance commit: the whole batch becomes visible, or none of it.
      await this.residents.followWrite(
        collection,
        (resident) => resident.put(rows),
        () =>
          this.call(`upsert ${rows.length} records into ${collection}`, () =>
            open.table
              .mergeInsert('id')
              .whenMatchedUpdateAll()
              .whenNotMatchedInsertAll()
              .execute(rows),
          ),
      );
      // A collection small enough to be searched in memory is never searched through Lance's
      // inverted index (its copy loads after the writes queued before it): its upkeep may
      // follow the write instead of holding it up. Larger ones need it before the write ends.
      if (await this.residents.searchedInMemory(this.residentSource(open))) {
        this.upkeepAfterWrites(open);
      } else await this.upkeep(open);
    });
  }

  private upkeepAfterWrites(open: OpenCollection): void {
    open.writes = open.writes.then(() => this.upkeep(open));
  }

  async delete(
    collection: string,
    selector: { ids: readonly string[] } | { filter: ChunkFilter },
  ): Promise<number> {
    const open = await this.open(collection);
    const predicate = deletePredicate(collection, selector);
    if (predicate === 'FALSE') return 0;
    return this.serialized(open, async () => {
      const result = await this.residents.followWrite(
        collection,
        (resident) =>
          'ids' in selector
            ? resident.removeIds(selector.ids)
            : resident.removeWhere(selector.filter),
        () => this.call(`delete from ${collection}`, () => open.table.delete(predicate)),
      );
      this.residents.shrank(collection);
      return result.numDeletedRows;
    });
  }

  async search(
    collection: string,
    vector: Float32Array | readonly number[],
    options: SearchOptions,
  ): Promise<ChunkHit[]> {
    const open = await this.open(collection);
    checkVector(open.spec, vector, `search in ${collection}`);
    checkSearchOptions(collection, options);
    const predicate = filterPredicate(options.filter);
    const resident = await this.residents.of(this.residentSource(open));
    if (resident) return resident.search(Float32Array.from(vector), options.topK, options.filter);
    const metric = open.spec.metric;
    const rows = await this.call(`search ${collection}`, () => {
      let query = open.table
        .vectorSearch(Array.from(vector))
        .distanceType(LANCE_METRIC[metric])
        .ef(Math.max(QUERY_EF, options.topK * 2))
        .select([...HIT_COLUMNS, '_distance'])
        .limit(options.topK);
      if (predicate) query = query.where(predicate);
      return query.toArray() as Promise<Record<string, unknown>[]>;
    });
    return rows.map((row) => toHit(row, vectorScore(Number(row['_distance']), metric)));
  }

  async searchText(collection: string, query: string, options: SearchOptions): Promise<ChunkHit[]> {
    const open = await this.open(collection);
    checkSearchOptions(collection, options);
    if (typeof query !== 'string')
      throw new PlatformError(
        'invalid_input',
        `text search in ${collection}: query must be a string`,
      );
    if (query.trim() === '') return [];
    const predicate = filterPredicate(options.filter);
    const resident = await this.residents.of(this.residentSource(open));
    if (resident) return resident.searchText(query, options.topK, options.filter);
    const rows = await this.call(`text search ${collection}`, () => {
      let search = open.table
        .query()
        .fullTextSearch(query, { columns: ['text'] })
        .select([...HIT_COLUMNS, '_score'])
        .limit(options.topK);
      if (predicate) search = search.where(predicate);
      return search.toArray() as Promise<Record<string, unknown>[]>;
    });
    return rows.map((row) => toHit(row, Number(row['_score'])));
  }

  async health(): Promise<PortHealth> {
    if (this.closed) return { healthy: false, detail: 'embedded vector store is closed' };
    try {
      const names = await this.connection.tableNames();
      const upkeep = this.lastUpkeepError
        ? `; last index upkeep failed: ${this.lastUpkeepError}`
        : '';
      return {
        healthy: true,
        detail: `LanceDB at ${this.settings.dataDir}, ${names.length} collections${upkeep}`,
      };
    } catch (error) {
      return { healthy: false, detail: `LanceDB at ${this.settings.dataDir}: ${String(error)}` };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const open of this.collections.values()) {
      const collection = await open.catch(() => undefined);
      if (collection) {
        await collection.writes;
        collection.table.close();
      }
    }
    this.collections.clear();
    this.residents.clear();
    this.connection.close();
  }

  /** Index upkeep after writes (see lance-upkeep.ts); its outcome is what health reports. */
  private async upkeep(open: OpenCollection): Promise<void> {
    if (open.upkeepStalled) return;
    this.lastUpkeepError = await upkeepTable(open, {
      vectorIndexMinRows: this.vectorIndexMinRows,
      timeoutMs: this.upkeepTimeoutMs,
    });
  }

  /** The collection as its resident copy reads it: from Lance, between writes. */
  private residentSource(open: OpenCollection): ResidentSource {
    const { name, metric } = open.spec;
    return {
      name,
      metric,
      countRows: () => this.call(`count rows of ${name}`, () => open.table.countRows()),
      readRows: async (count) =>
        (await this.call(`read ${name} into memory`, () =>
          open.table
            .query()
            .select([...COLUMNS])
            .limit(count)
            .toArray(),
        )) as Record<string, unknown>[],
      serialized: (work) => this.serialized(open, work),
    };
  }

  private serialized<T>(open: OpenCollection, work: () => Promise<T>): Promise<T> {
    const result = open.writes.then(work, work);
    open.writes = result.catch(() => undefined);
    return result;
  }

  /** The open collection, or a `not_found` error naming it. */
  private async open(name: string): Promise<OpenCollection> {
    this.checkOpen();
    checkCollectionName(name);
    const open = await this.tryOpen(name);
    if (!open)
      throw new PlatformError(
        'not_found',
        `collection ${name} does not exist in the embedded vector store`,
      );
    return open;
  }

  private async tryOpen(name: string): Promise<OpenCollection | undefined> {
    let pending = this.collections.get(name);
    if (!pending) {
      if (!(await this.tableNames()).includes(name)) return undefined;
      pending = this.call(`open collection ${name}`, async () => {
        const table = await this.connection.openTable(name);
        const spec = specFromSchema(name, await table.schema());
        const indices = await table.listIndices();
        const stale = indices.some((index) => (index.numUnindexedRows ?? 0) > 0);
        if (stale) await table.optimize();
        return {
          spec,
          table,
          hasVectorIndex: indices.some((index) => index.columns.includes('vector')),
          writes: Promise.resolve(),
        };
      });
      this.collections.set(name, pending);
      pending.catch(() => this.collections.delete(name));
    }
    return pending;
  }

  private tableNames(): Promise<string[]> {
    return this.call('list collections', () => this.connection.tableNames());
  }

  private checkOpen(): void {
    if (this.closed)
      throw new PlatformError(
        'unavailable',
        `the embedded vector store at ${this.settings.dataDir} is closed`,
      );
  }

  /** Runs a LanceDB call, turning its failures into PlatformErrors that say what was tried. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      const wrapped = toPlatformError(error);
      throw new PlatformError(wrapped.code, `embedded vector store: ${what}: ${wrapped.message}`, {
        cause: error,
      });
    }
  }
}
