/**
 * Kysely's runtime, loaded when a database is opened rather than when the platform starts: its
 * ESM build is 255 files, which took about a fifth of `homelab-ai up`'s time to healthy while
 * the embedded database itself opens on first use. Every query runs on a database one of this
 * package's adapters opened, and each adapter loads Kysely first (`loadKysely`); the `sql` tag
 * here forwards to Kysely's own from then on.
 */
import type * as Kysely from 'kysely';

type KyselyModule = typeof Kysely;
type Sql = Kysely.Sql;

let loaded: KyselyModule | undefined;

/** Loads Kysely (once) and returns it. */
export async function loadKysely(): Promise<KyselyModule> {
  loaded ??= await import('kysely');
  return loaded;
}

function loadedSql(): Sql {
  if (!loaded) {
    throw new Error(
      'metadata-db: Kysely is not loaded yet; open the database (openMetadataDb) before querying',
    );
  }
  return loaded.sql;
}

/** Kysely's `sql` tag (with `sql.raw`, `sql.join`, …), usable once a database is open. */
export const sql: Sql = new Proxy((() => undefined) as unknown as Sql, {
  apply: (_target, _this, args: unknown[]): unknown => Reflect.apply(loadedSql(), undefined, args),
  get: (_target, key): unknown => (loadedSql() as unknown as Record<string | symbol, unknown>)[key],
});
