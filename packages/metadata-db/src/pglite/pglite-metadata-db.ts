/**
 * The embedded adapter: PGlite (Postgres compiled to WASM) in a worker thread, with its files
 * in `${dataDir}/pglite`, migrated at open. One process owns a data directory at a time.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError } from '@homelab-ai/contracts';
import { errorMessage, toDatabaseError } from '../database-errors.js';
import { loadKysely, sql } from '../kysely-runtime.js';
import { MIGRATIONS, migrateMetadataDb, type Migration } from '../migrations/index.js';
import type { MetadataDb } from '../port.js';
import type { Database } from '../schema.js';
import { PgliteDialect } from './pglite-dialect.js';
import { openPgliteInWorker, type WorkerPglite } from './pglite-worker-client.js';

export interface PgliteMetadataDbSettings {
  /** The data directory; PGlite's files go into its `pglite` subdirectory. */
  dataDir: string;
  /** Tests only: a different migration list. */
  migrations?: readonly Migration[];
}

/** Opens (creating if needed) the embedded metadata database and migrates it. */
export async function createPgliteMetadataDb(
  settings: PgliteMetadataDbSettings,
): Promise<MetadataDb> {
  const directory = join(settings.dataDir, 'pglite');
  let pglite: WorkerPglite;
  try {
    await mkdir(directory, { recursive: true });
    // In a worker thread: opening takes seconds of CPU, and queries should not stall the loop.
    pglite = await openPgliteInWorker(directory);
  } catch (error) {
    throw new PlatformError(
      'unavailable',
      `cannot open the embedded database in ${directory}: ${errorMessage(error)}`,
      { cause: error },
    );
  }
  const { Kysely } = await loadKysely();
  const db = new Kysely<Database>({ dialect: new PgliteDialect(pglite) });
  let migrations;
  try {
    migrations = await migrateMetadataDb(db, settings.migrations ?? MIGRATIONS);
  } catch (error) {
    await pglite.close();
    throw toDatabaseError(error, `migrating the embedded database in ${directory}`);
  }
  const where = `PGlite in ${directory}`;
  return {
    adapter: 'pglite',
    db,
    migrations,
    async health() {
      if (pglite.closed) return { healthy: false, detail: `${where} is closed` };
      try {
        await sql`SELECT 1`.execute(db);
        return { healthy: true, detail: `${where}, schema version ${migrations.version}` };
      } catch (error) {
        return { healthy: false, detail: `${where} failed a query: ${errorMessage(error)}` };
      }
    },
    async close() {
      await db.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
