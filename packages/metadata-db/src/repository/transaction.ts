/** Runs repository work atomically, joining the caller's transaction when handed one. */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';

/** Runs `work` in a transaction: the given one, or a new one on `db`. */
export function inTransaction<T>(
  db: Kysely<Database>,
  work: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  // Kysely cannot nest db.transaction(); a caller's transaction already gives atomicity.
  if (db.isTransaction) return work(db as Transaction<Database>);
  return db.transaction().execute(work);
}
