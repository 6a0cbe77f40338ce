/**
 * A PGlite transaction held open until the caller settles it: PGlite only offers
 * `transaction(callback)`, while Kysely (and the worker protocol) begin and end transactions
 * as separate steps. The callback waits for the outcome; PGlite's lock keeps other queries out.
 */
export interface HeldTransaction<Tx> {
  readonly tx: Tx;
  readonly settle: (outcome: 'commit' | 'rollback') => void;
  /** Settles once PGlite has run COMMIT or ROLLBACK (rejects if that failed). */
  readonly finished: Promise<void>;
}

export async function holdTransaction<Tx extends { rollback(): Promise<void> }>(pglite: {
  transaction(callback: (tx: Tx) => Promise<void>): Promise<void>;
}): Promise<HeldTransaction<Tx>> {
  let settle!: (outcome: 'commit' | 'rollback') => void;
  const outcome = new Promise<'commit' | 'rollback'>((resolve) => (settle = resolve));
  let started!: (tx: Tx) => void;
  const begun = new Promise<Tx>((resolve) => (started = resolve));
  const finished = pglite.transaction(async (tx) => {
    started(tx);
    if ((await outcome) === 'rollback') await tx.rollback();
  });
  // Observed here so a failed COMMIT is not reported as unhandled; whoever ends awaits it too.
  finished.catch(() => undefined);
  const tx = await Promise.race([
    begun,
    finished.then(() => {
      throw new Error('the PGlite transaction ended before it began');
    }),
  ]);
  return { tx, settle, finished };
}
