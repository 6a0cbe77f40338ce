/**
 * The MetadataDb port: a migrated, typed Kysely handle on the platform's metadata (users,
 * companions, chats, documents, pipelines, tracking). Adapters: `createPgliteMetadataDb`
 * (embedded PGlite under the data directory) and `createPostgresMetadataDb` (a `pg` pool).
 * Both run the same migrations and pass the same contract suite.
 */
import type { Kysely } from 'kysely';
import type { PortHealth } from '@homelab-ai/contracts';
import type { MigrationReport } from './migrations/migration.js';
import type { Database } from './schema.js';

export type MetadataDbAdapter = 'pglite' | 'postgres';

export interface MetadataDb {
  /** Which adapter this is: `pglite` or `postgres`. */
  readonly adapter: MetadataDbAdapter;
  /** The typed query layer. Inside `db.transaction()`, use only the transaction handle. */
  readonly db: Kysely<Database>;
  /** What the start-up migration run did. */
  readonly migrations: MigrationReport;
  health(): Promise<PortHealth>;
  /** Closes the pool or the embedded database; pending queries finish first. */
  close(): Promise<void>;
}

export interface MetadataDbSettings {
  /** `postgres://user:password@host:port/database`; unset means embedded PGlite. */
  databaseUrl?: string;
  /** Where embedded data lives; PGlite keeps its files in `${dataDir}/pglite`. */
  dataDir: string;
}
