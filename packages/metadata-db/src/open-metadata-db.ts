/**
 * The adapter factories and the one place that picks between them: PostgreSQL when a database
 * URL is set, else embedded PGlite. Each adapter module (and `pg` or the PGlite WASM with it)
 * is loaded only when that adapter is opened.
 */
import type { PgliteMetadataDbSettings } from './pglite/pglite-metadata-db.js';
import type { MetadataDb, MetadataDbSettings } from './port.js';
import type { PostgresMetadataDbSettings } from './postgres/postgres-metadata-db.js';

export type { PgliteMetadataDbSettings, PostgresMetadataDbSettings };

/** Opens (creating if needed) the embedded PGlite metadata database and migrates it. */
export async function createPgliteMetadataDb(
  settings: PgliteMetadataDbSettings,
): Promise<MetadataDb> {
  const adapter = await import('./pglite/pglite-metadata-db.js');
  return adapter.createPgliteMetadataDb(settings);
}

/** Connects to PostgreSQL, migrates it and returns the typed handle. */
export async function createPostgresMetadataDb(
  settings: PostgresMetadataDbSettings,
): Promise<MetadataDb> {
  const adapter = await import('./postgres/postgres-metadata-db.js');
  return adapter.createPostgresMetadataDb(settings);
}

/** Opens and migrates the metadata database the settings describe. */
export function openMetadataDb(settings: MetadataDbSettings): Promise<MetadataDb> {
  if (settings.databaseUrl !== undefined && settings.databaseUrl !== '') {
    return createPostgresMetadataDb({ url: settings.databaseUrl });
  }
  return createPgliteMetadataDb({ dataDir: settings.dataDir });
}
