/**
 * Runs the numbered migrations at start: each in its own transaction, recorded in
 * `schema_migrations`, idempotent, serialized across concurrent starts by a transaction-scoped
 * advisory lock, and refusing a database whose schema is newer than this build knows.
 */
import type { Kysely, Transaction } from 'kysely';
import { sql } from '../kysely-runtime.js';
import { PlatformError } from '@homelab-ai/contracts';
import type { Database } from '../schema.js';

/** One schema step: plain SQL run as a single script. Versions start at 1 and never change. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigrationReport {
  /** Versions this start applied, in order; empty when the schema was already current. */
  readonly applied: readonly number[];
  /** The schema version after the run. */
  readonly version: number;
}

// Any fixed 64-bit key works; every homelab-ai start contends for the same one ("hlai").
const MIGRATION_LOCK_KEY = 0x686c6169;

/** Brings the database to the newest migration, or refuses if it is already past it. */
export async function migrateMetadataDb(
  db: Kysely<Database>,
  migrations: readonly Migration[],
): Promise<MigrationReport> {
  assertWellFormed(migrations);
  const latest = migrations.at(-1)?.version ?? 0;
  const applied: number[] = [];
  for (;;) {
    const step = await db.transaction().execute(async (trx) => {
      // The lock comes first so a second start waits here, then sees the first start's work.
      await sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
      await ensureMigrationsTable(trx);
      const current = await recordedVersion(trx);
      if (current > latest) {
        throw new PlatformError(
          'conflict',
          `database schema version ${current} is newer than this build's ${latest}; upgrade homelab-ai`,
          { details: { databaseVersion: current, buildVersion: latest } },
        );
      }
      const next = migrations.find((migration) => migration.version > current);
      if (next === undefined) return { done: true as const, version: current };
      await sql.raw(next.sql).execute(trx);
      await trx
        .insertInto('schema_migrations')
        .values({ version: next.version, name: next.name })
        .execute();
      return { done: false as const, version: next.version };
    });
    if (step.done) return { applied, version: step.version };
    applied.push(step.version);
  }
}

async function ensureMigrationsTable(trx: Transaction<Database>): Promise<void> {
  await sql`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version    integer PRIMARY KEY,
      name       text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`.execute(trx);
}

async function recordedVersion(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return row?.version ?? 0;
}

function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new PlatformError(
        'internal',
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}: versions must run 1, 2, 3… without gaps`,
      );
    }
  });
}
