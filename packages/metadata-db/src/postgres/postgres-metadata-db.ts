/**
 * The PostgreSQL adapter: Kysely's PostgresDialect over a `pg` pool, migrated at open.
 * Errors name the server as host:port/database, never the password.
 */
import pg from 'pg';
import { PlatformError } from '@homelab-ai/contracts';
import {
  describePostgresTarget,
  errorMessage,
  parsePostgresUrl,
  toDatabaseError,
} from '../database-errors.js';
import { loadKysely, sql } from '../kysely-runtime.js';
import { MIGRATIONS, migrateMetadataDb, type Migration } from '../migrations/index.js';
import type { MetadataDb } from '../port.js';
import type { Database } from '../schema.js';

export interface PostgresMetadataDbSettings {
  /** `postgres://user:password@host:port/database` */
  url: string;
  /** Most connections the pool opens (default 10). */
  poolSize?: number;
  /** How long a connection attempt may take before the database counts as down (default 5 s). */
  connectTimeoutMs?: number;
  /** Tests only: a different migration list. */
  migrations?: readonly Migration[];
}

const HEALTH_TIMEOUT_MS = 3_000;

// bigint columns (sizes, counts, steps) read as numbers, as PGlite does; beyond 2^53 a BigInt.
function parseInt8(text: string): number | bigint {
  const value = BigInt(text);
  return value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER ? value : Number(value);
}

/** Connects to PostgreSQL, migrates it and returns the typed handle. */
export async function createPostgresMetadataDb(
  settings: PostgresMetadataDbSettings,
): Promise<MetadataDb> {
  const url = parsePostgresUrl(settings.url);
  const target = `PostgreSQL at ${describePostgresTarget(url)}`;
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, parseInt8);
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize ?? 10,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 5_000,
    types,
  });
  // An idle connection dying (server restart) is reported by the next query; without a
  // listener the pool's 'error' event would crash the process.
  pool.on('error', () => undefined);
  const redact = (text: string) =>
    url.password ? text.replaceAll(decodeURIComponent(url.password), '***') : text;

  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new PlatformError(
      'unavailable',
      `cannot reach ${target}: ${redact(errorMessage(error))}`,
      {
        cause: error,
        details: { target: describePostgresTarget(url) },
      },
    );
  }

  const { Kysely, PostgresDialect } = await loadKysely();
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let migrations;
  try {
    migrations = await migrateMetadataDb(db, settings.migrations ?? MIGRATIONS);
  } catch (error) {
    await db.destroy();
    throw toDatabaseError(error, `migrating ${target}`);
  }
  let closed = false;
  return {
    adapter: 'postgres',
    db,
    migrations,
    async health() {
      if (closed) return { healthy: false, detail: `${target}: closed` };
      try {
        await withTimeout(sql`SELECT 1`.execute(db), HEALTH_TIMEOUT_MS);
        return { healthy: true, detail: `${target}, schema version ${migrations.version}` };
      } catch (error) {
        return { healthy: false, detail: `${target}: ${redact(errorMessage(error))}` };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy();
    },
  };
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
