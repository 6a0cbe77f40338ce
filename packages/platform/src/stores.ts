/**
 * The data stores of the platform, picked by configuration like every other port: an unset URL
 * means the embedded default. Heavy adapters (the AWS SDK, database drivers) load only when
 * configured, and the database opens in the background so the platform is up at once.
 */
import { join } from 'node:path';
import type { PlatformConfig } from '@homelab-ai/config';
import type { MetadataDb } from '@homelab-ai/metadata-db';
import { createFileObjectStore, type ObjectStore } from '@homelab-ai/object-store';
import type { Logger } from '@homelab-ai/observability';
import { createMemorySessionCache, type SessionCache } from '@homelab-ai/session-cache';
import type { VectorStore } from '@homelab-ai/vector-store';
import { openingPort, type OpeningPort } from './opening-port.js';

export interface Stores {
  db: OpeningPort<MetadataDb>;
  objects: ObjectStore;
  cache: SessionCache;
  vectors: OpeningPort<VectorStore>;
}

export async function createSessionCacheFromConfig(config: PlatformConfig): Promise<SessionCache> {
  if (!config.stores.valkeyUrl) return createMemorySessionCache();
  const { createValkeySessionCache } = await import('@homelab-ai/session-cache/valkey');
  return createValkeySessionCache({ url: config.stores.valkeyUrl });
}

/** Milvus connects in the background; the embedded store (LanceDB) opens on first use. */
export function openVectorStoreFromConfig(
  config: PlatformConfig,
  logger: Logger,
): OpeningPort<VectorStore> {
  const milvus = config.stores.milvus;
  if (milvus) {
    return openingPort(
      async () => {
        const { createMilvusVectorStore } = await import('@homelab-ai/vector-store/milvus');
        return createMilvusVectorStore({
          address: milvus.address,
          ...(milvus.token ? { token: milvus.token } : {}),
        });
      },
      { name: 'vectors', adapter: 'milvus', logger, mode: 'background' },
    );
  }
  const dataDir = join(config.dataDir, 'vectors');
  return openingPort(
    async () => {
      const { createEmbeddedVectorStore } = await import('@homelab-ai/vector-store/embedded');
      const residentRows = config.stores.vectorResidentRows;
      return createEmbeddedVectorStore({
        dataDir,
        residentBudgetRows: residentRows,
        ...(residentRows === 0 ? { residentMaxRows: 0 } : {}),
      });
    },
    {
      name: 'vectors',
      adapter: 'embedded',
      logger,
      mode: 'lazy',
      idleDetail: `LanceDB in ${dataDir}; opens on first use`,
    },
  );
}

export async function createObjectStoreFromConfig(config: PlatformConfig): Promise<ObjectStore> {
  const s3 = config.stores.s3;
  if (!s3) return createFileObjectStore({ rootDir: join(config.dataDir, 'objects') });
  const { createS3ObjectStore } = await import('@homelab-ai/object-store/s3');
  return createS3ObjectStore({ ...s3, forcePathStyle: true });
}

/**
 * PostgreSQL is connected (and migrated) in the background at start, so `/healthz` soon tells
 * whether it is reachable. Embedded PGlite opens on first use: its first start initialises a
 * database (seconds, hundreds of MB), a cost the platform should not pay before it needs SQL.
 */
export function openMetadataDbFromConfig(
  config: PlatformConfig,
  logger: Logger,
): OpeningPort<MetadataDb> {
  const databaseUrl = config.stores.databaseUrl;
  const create = async () => {
    const { openMetadataDb } = await import('@homelab-ai/metadata-db');
    return openMetadataDb({ dataDir: config.dataDir, ...(databaseUrl ? { databaseUrl } : {}) });
  };
  return databaseUrl
    ? openingPort(create, { name: 'db', adapter: 'postgres', logger, mode: 'background' })
    : openingPort(create, {
        name: 'db',
        adapter: 'pglite',
        logger,
        mode: 'lazy',
        idleDetail: `PGlite in ${join(config.dataDir, 'pglite')}; opens on first use`,
      });
}

export async function createStores(config: PlatformConfig, logger: Logger): Promise<Stores> {
  return {
    db: openMetadataDbFromConfig(config, logger),
    objects: await createObjectStoreFromConfig(config),
    cache: await createSessionCacheFromConfig(config),
    vectors: openVectorStoreFromConfig(config, logger),
  };
}
