/**
 * The Milvus adapter of the VectorStore port, over the official SDK (gRPC). One Milvus
 * collection per VectorStore collection; see milvus-schema.ts for its layout.
 */
import { PlatformError, type PortHealth } from '@homelab-ai/contracts';
import { MilvusClient, RRFRanker } from '@zilliz/milvus2-sdk-node';
import type {
  ChunkFilter,
  ChunkHit,
  ChunkRecord,
  SearchOptions,
  VectorCollectionSpec,
  VectorStore,
} from '../port.js';
import { describeCollection, type CollectionInfo } from './milvus-describe.js';
import { checkStatus, toMilvusError } from './milvus-errors.js';
import { filterExpression, inExpression } from './milvus-filter.js';
import { toChunkHit, toRow, validateRecord, validateSpec, validateTopK } from './milvus-records.js';
import {
  FIELD,
  OUTPUT_FIELDS,
  collectionRequest,
  indexRequests,
  milvusMetric,
  supportsFullText,
} from './milvus-schema.js';

export interface MilvusVectorStoreSettings {
  /** `host:19530`, or `https://…` for TLS. */
  address: string;
  /** API key or `user:password` (Zilliz Cloud, Milvus with auth). */
  token?: string;
  username?: string;
  password?: string;
  database?: string;
  ssl?: boolean;
  /** Per-call deadline in ms; also bounds how long an unreachable server takes to fail. */
  timeoutMs?: number;
}

/** The Milvus store: the port plus hybrid (vector + BM25, fused by RRF) search. */
export interface MilvusVectorStore extends VectorStore {
  searchHybrid(
    collection: string,
    vector: Float32Array | readonly number[],
    query: string,
    options: SearchOptions,
  ): Promise<ChunkHit[]>;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Ids looked up and deleted per round trip. */
const DELETE_BATCH = 1_000;

/** Connects to Milvus; an unreachable server shows in health() and as `unavailable` errors. */
export function createMilvusVectorStore(
  settings: MilvusVectorStoreSettings,
): Promise<MilvusVectorStore> {
  const client = new MilvusClient({
    address: settings.address,
    timeout: settings.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    // The SDK's retries would multiply the deadline; callers retry `unavailable` themselves.
    maxRetries: 1,
    telemetry: { enabled: false },
    ...(settings.token !== undefined ? { token: settings.token } : {}),
    ...(settings.username !== undefined ? { username: settings.username } : {}),
    ...(settings.password !== undefined ? { password: settings.password } : {}),
    ...(settings.database !== undefined ? { database: settings.database } : {}),
    ...(settings.ssl !== undefined ? { ssl: settings.ssl } : {}),
  });
  // The SDK connects in the background; its failure surfaces on the first call, not here.
  (client as unknown as { connectPromise?: Promise<unknown> }).connectPromise?.catch(() => {});
  return Promise.resolve(new MilvusStore(client, settings.address));
}

class MilvusStore implements MilvusVectorStore {
  readonly adapter = 'milvus';
  private readonly collections = new Map<string, CollectionInfo>();
  private fullTextSupport: Promise<boolean> | undefined;

  constructor(
    private readonly client: MilvusClient,
    private readonly address: string,
  ) {}

  async createCollection(spec: VectorCollectionSpec): Promise<void> {
    validateSpec(spec);
    const existing = await this.describe(spec.name, { missingIsUndefined: true });
    if (existing) {
      const { dimension, metric } = existing.spec;
      if (dimension !== spec.dimension || metric !== spec.metric) {
        throw new PlatformError(
          'conflict',
          `collection ${spec.name} exists with dimension ${dimension} and metric ${metric}, not ${spec.dimension}/${spec.metric}`,
        );
      }
      return;
    }
    const fullText = await this.hasFullText();
    await this.call(`create collection ${spec.name}`, async () => {
      checkStatus(
        await this.client.createCollection(collectionRequest(spec, fullText)),
        `create collection ${spec.name}`,
      );
      for (const index of indexRequests(spec, fullText)) {
        checkStatus(await this.client.createIndex(index), `index ${spec.name}.${index.field_name}`);
      }
      // Searches need the collection in memory; loadCollection waits until it is.
      checkStatus(
        await this.client.loadCollection({ collection_name: spec.name }),
        `load collection ${spec.name}`,
      );
    });
    this.collections.set(spec.name, { spec: { ...spec }, fullText });
  }

  async dropCollection(name: string): Promise<void> {
    this.collections.delete(name);
    await this.call(`drop collection ${name}`, async () => {
      checkStatus(
        await this.client.dropCollection({ collection_name: name }),
        `drop collection ${name}`,
      );
    });
  }

  async listCollections(): Promise<VectorCollectionSpec[]> {
    const names = await this.call('list collections', async () => {
      const response = await this.client.showCollections();
      checkStatus(response.status, 'list collections');
      return response.data.map((collection) => collection.name);
    });
    const specs: VectorCollectionSpec[] = [];
    for (const name of names) {
      // Collections made by other tools have another layout: not ours to list.
      const info = await this.describe(name, {
        missingIsUndefined: true,
        foreignIsUndefined: true,
      });
      if (info) specs.push({ ...info.spec });
    }
    return specs.sort((a, b) => a.name.localeCompare(b.name));
  }

  async upsert(collection: string, records: readonly ChunkRecord[]): Promise<void> {
    if (records.length === 0) return;
    const { spec } = await this.require(collection);
    records.forEach((record, index) => validateRecord(record, index, spec));
    await this.call(`upsert into ${collection}`, async () => {
      const response = await this.client.upsert({
        collection_name: collection,
        data: records.map(toRow),
      });
      checkStatus(response.status, `upsert into ${collection}`);
    });
  }

  async delete(
    collection: string,
    selector: { ids: readonly string[] } | { filter: ChunkFilter },
  ): Promise<number> {
    await this.require(collection);
    if ('ids' in selector) return this.deleteIds(collection, [...new Set(selector.ids)]);
    const expression = filterExpression(selector.filter);
    if (expression === '') {
      throw new PlatformError(
        'invalid_input',
        `delete from ${collection} needs ids or a filter with owner or documentId`,
      );
    }
    return this.call(`delete from ${collection}`, async () => {
      const response = await this.client.delete({
        collection_name: collection,
        filter: expression,
      });
      checkStatus(response.status, `delete from ${collection}`);
      return Number(response.delete_cnt);
    });
  }

  /**
   * Milvus answers a delete by primary keys with the number of keys asked for, found or not
   * (by design, it skips the lookup), so the ids that exist are queried first.
   */
  private async deleteIds(collection: string, ids: readonly string[]): Promise<number> {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += DELETE_BATCH) {
      const batch = ids.slice(start, start + DELETE_BATCH);
      deleted += await this.call(`delete from ${collection}`, async () => {
        const found = await this.client.query({
          collection_name: collection,
          filter: inExpression(FIELD.id, batch),
          output_fields: [FIELD.id],
          limit: batch.length,
        });
        checkStatus(found.status, `look up ids in ${collection}`);
        const existing = found.data.map((row) => String(row[FIELD.id]));
        if (existing.length === 0) return 0;
        const response = await this.client.delete({
          collection_name: collection,
          filter: inExpression(FIELD.id, existing),
        });
        checkStatus(response.status, `delete from ${collection}`);
        return existing.length;
      });
    }
    return deleted;
  }

  async search(
    collection: string,
    vector: Float32Array | readonly number[],
    options: SearchOptions,
  ): Promise<ChunkHit[]> {
    validateTopK(options.topK);
    const { spec } = await this.require(collection);
    validateRecord(
      { id: 'query', vector, text: '', owner: '', documentId: '' },
      0,
      spec,
      'query vector',
    );
    const metric = milvusMetric(spec.metric);
    return this.call(`search ${collection}`, async () => {
      const response = await this.client.search({
        collection_name: collection,
        data: [Array.from(vector)],
        anns_field: FIELD.vector,
        limit: options.topK,
        filter: filterExpression(options.filter),
        output_fields: [...OUTPUT_FIELDS],
        metric_type: metric,
        // HNSW needs ef ≥ topK; 64 keeps recall good for small k.
        params: { ef: Math.max(64, options.topK) },
      });
      checkStatus(response.status, `search ${collection}`);
      return response.results.map((row) => toChunkHit(row, spec.metric));
    });
  }

  async searchText(collection: string, query: string, options: SearchOptions): Promise<ChunkHit[]> {
    validateTopK(options.topK);
    await this.requireFullText(collection);
    if (query.trim() === '') return [];
    return this.call(`full-text search ${collection}`, async () => {
      const response = await this.client.search({
        collection_name: collection,
        data: [query],
        anns_field: FIELD.textSparse,
        limit: options.topK,
        filter: filterExpression(options.filter),
        output_fields: [...OUTPUT_FIELDS],
        metric_type: 'BM25',
        params: { drop_ratio_search: 0 },
      });
      checkStatus(response.status, `full-text search ${collection}`);
      return (response.results as unknown as Record<string, unknown>[]).map((row) =>
        toChunkHit(row, 'bm25'),
      );
    });
  }

  async searchHybrid(
    collection: string,
    vector: Float32Array | readonly number[],
    query: string,
    options: SearchOptions,
  ): Promise<ChunkHit[]> {
    validateTopK(options.topK);
    const { spec } = await this.requireFullText(collection);
    validateRecord(
      { id: 'query', vector, text: '', owner: '', documentId: '' },
      0,
      spec,
      'query vector',
    );
    const filter = filterExpression(options.filter);
    return this.call(`hybrid search ${collection}`, async () => {
      const response = await this.client.hybridSearch({
        collection_name: collection,
        data: [
          {
            data: Array.from(vector),
            anns_field: FIELD.vector,
            metric_type: milvusMetric(spec.metric),
            params: { ef: Math.max(64, options.topK) },
            expr: filter,
          },
          {
            data: query,
            anns_field: FIELD.textSparse,
            metric_type: 'BM25',
            params: { drop_ratio_search: 0 },
            expr: filter,
          },
        ],
        rerank: RRFRanker(60),
        limit: options.topK,
        output_fields: [...OUTPUT_FIELDS],
      });
      checkStatus(response.status, `hybrid search ${collection}`);
      // RRF scores are already "higher is better".
      return (response.results as unknown as Record<string, unknown>[]).map((row) =>
        toChunkHit(row, 'ip'),
      );
    });
  }

  async health(): Promise<PortHealth> {
    try {
      const response = await this.client.checkHealth();
      if (!response.isHealthy) {
        return {
          healthy: false,
          detail: `Milvus at ${this.address} is unhealthy: ${response.reasons.join('; ')}`,
        };
      }
      return { healthy: true, detail: `Milvus at ${this.address}` };
    } catch (error) {
      return { healthy: false, detail: toMilvusError(error, this.address, 'check health').message };
    }
  }

  async close(): Promise<void> {
    await this.client.closeConnection();
  }

  /** Runs one SDK exchange, turning what it throws into PlatformErrors. */
  private async call<T>(action: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw toMilvusError(error, this.address, action);
    }
  }

  private hasFullText(): Promise<boolean> {
    this.fullTextSupport ??= this.call('read the server version', async () => {
      const response = await this.client.getVersion();
      return supportsFullText(response.version);
    }).catch((error: unknown) => {
      this.fullTextSupport = undefined; // ask again once the server is back
      throw error;
    });
    return this.fullTextSupport;
  }

  private async require(collection: string): Promise<CollectionInfo> {
    // Without the options, describe throws not_found/invalid_input instead of answering undefined.
    return (await this.describe(collection, {})) as CollectionInfo;
  }

  private async requireFullText(collection: string): Promise<CollectionInfo> {
    const info = await this.require(collection);
    if (!info.fullText) {
      throw new PlatformError(
        'invalid_input',
        `collection ${collection} has no BM25 index: full-text search needs Milvus 2.5 or later when the collection is created`,
      );
    }
    return info;
  }

  /** The collection's spec, from cache or from DescribeCollection + DescribeIndex. */
  private async describe(
    name: string,
    options: { missingIsUndefined?: boolean; foreignIsUndefined?: boolean },
  ): Promise<CollectionInfo | undefined> {
    const cached = this.collections.get(name);
    if (cached) return cached;
    const described = await this.call(`describe collection ${name}`, () =>
      describeCollection(this.client, name),
    );
    if (described === 'missing') {
      if (options.missingIsUndefined) return undefined;
      throw new PlatformError('not_found', `no collection ${name} in Milvus at ${this.address}`);
    }
    if (described === 'foreign') {
      if (options.foreignIsUndefined) return undefined;
      throw new PlatformError(
        'invalid_input',
        `collection ${name} in Milvus at ${this.address} was not made by this store (no indexed vector field)`,
      );
    }
    this.collections.set(name, described);
    return described;
  }
}
