/**
 * A Kysely dialect over an embedded PGlite: Kysely's own Postgres adapter, compiler and
 * introspector, with a driver that sends compiled queries to PGlite. PGlite is one session, so
 * a Kysely transaction is a `pglite.transaction()` held open until Kysely commits or rolls
 * back; PGlite's lock keeps every other query waiting meanwhile, which is what isolates it.
 */
import type { Results } from '@electric-sql/pglite';
import {
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { holdTransaction, type HeldTransaction } from './held-transaction.js';

/** What the dialect uses of a PGlite transaction (PGlite's own `Transaction` has it). */
export interface PgliteSessionTransaction {
  query(sql: string, params?: unknown[]): Promise<Results>;
  exec(sql: string): Promise<Results[]>;
  rollback(): Promise<void>;
}

/**
 * What the dialect uses of PGlite: a `PGlite` in this thread, or one in a worker thread
 * (`openPgliteInWorker`).
 */
export interface PgliteSession {
  query(sql: string, params?: unknown[]): Promise<Results>;
  exec(sql: string): Promise<Results[]>;
  transaction<T>(callback: (tx: PgliteSessionTransaction) => Promise<T>): Promise<T>;
}

type PGlite = PgliteSession;
type PgliteTransaction = PgliteSessionTransaction;

/** Kysely dialect for a PGlite instance the caller owns (and closes). */
export class PgliteDialect implements Dialect {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  createAdapter(): DialectAdapter {
    return new PostgresAdapter();
  }

  createDriver(): Driver {
    return new PgliteDriver(this.#pglite);
  }

  createQueryCompiler(): QueryCompiler {
    return new PostgresQueryCompiler();
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the Dialect interface's own type
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new PostgresIntrospector(db);
  }
}

class PgliteDriver implements Driver {
  readonly #pglite: PGlite;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async init(): Promise<void> {}

  acquireConnection(): Promise<DatabaseConnection> {
    return Promise.resolve(new PgliteConnection(this.#pglite));
  }

  beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    return asPglite(connection).begin(settings);
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return asPglite(connection).end('commit');
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return asPglite(connection).end('rollback');
  }

  async releaseConnection(): Promise<void> {}

  // The PGlite instance belongs to whoever made the dialect; closing it is theirs to do.
  async destroy(): Promise<void> {}
}

function asPglite(connection: DatabaseConnection): PgliteConnection {
  if (connection instanceof PgliteConnection) return connection;
  throw new TypeError('the PGlite driver was handed a connection it did not make');
}

type OpenTransaction = HeldTransaction<PgliteTransaction>;

const CHANGES_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'MERGE']);

class PgliteConnection implements DatabaseConnection {
  readonly #pglite: PGlite;
  #transaction: OpenTransaction | undefined;

  constructor(pglite: PGlite) {
    this.#pglite = pglite;
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const target = this.#transaction?.tx ?? this.#pglite;
    const parameters = [...compiledQuery.parameters];
    // Like `pg`, a query without parameters goes through the simple protocol, which also runs
    // a multi-statement script (a migration); the extended protocol takes one statement only.
    const result: Results =
      parameters.length === 0
        ? lastResult(await target.exec(compiledQuery.sql))
        : await target.query(compiledQuery.sql, parameters);
    const rows = result.rows as R[];
    if (result.command !== undefined && CHANGES_ROWS.has(result.command)) {
      return { rows, numAffectedRows: BigInt(result.rowCount ?? result.affectedRows ?? 0) };
    }
    return { rows };
  }

  // PGlite has no cursors: the rows are all in memory already, handed out in chunks.
  async *streamQuery<R>(
    compiledQuery: CompiledQuery,
    chunkSize: number,
  ): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery);
    for (let start = 0; start < rows.length; start += chunkSize) {
      yield { rows: rows.slice(start, start + chunkSize) };
    }
  }

  async begin(settings: TransactionSettings): Promise<void> {
    if (this.#transaction !== undefined) {
      throw new Error('a transaction is already open on this PGlite connection');
    }
    const held = await holdTransaction<PgliteTransaction>(this.#pglite);
    const { tx } = held;
    this.#transaction = held;
    const mode = transactionMode(settings);
    if (mode === '') return;
    try {
      await tx.query(`SET TRANSACTION ${mode}`);
    } catch (error) {
      // Kysely does not roll back a transaction whose begin failed; left open, it would hold
      // PGlite's lock forever.
      await this.end('rollback');
      throw error;
    }
  }

  async end(outcome: 'commit' | 'rollback'): Promise<void> {
    const open = this.#transaction;
    if (open === undefined) throw new Error(`${outcome} without an open PGlite transaction`);
    this.#transaction = undefined;
    open.settle(outcome);
    await open.finished;
  }
}

function lastResult(results: Results[]): Results {
  return results.at(-1) ?? { rows: [], fields: [] };
}

// Kysely validates both settings against its fixed lists, so they are safe to splice in.
function transactionMode(settings: TransactionSettings): string {
  const parts: string[] = [];
  if (settings.isolationLevel) parts.push(`ISOLATION LEVEL ${settings.isolationLevel}`);
  if (settings.accessMode) parts.push(settings.accessMode);
  return parts.join(' ');
}
