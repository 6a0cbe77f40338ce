import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadKysely, sql } from './kysely-runtime.js';

// Each test file runs in a process of its own: here no database has been opened yet.
describe('Kysely loaded with the database', () => {
  it('says what to do when a query is built before any database is open', () => {
    assert.throws(() => sql`select 1`, /open the database \(openMetadataDb\) before querying/);
    assert.throws(() => sql.raw('select 1'), /Kysely is not loaded yet/);
  });

  it('builds the same query as Kysely once loaded', async () => {
    const kysely = await loadKysely();
    const ours = sql<number>`select ${1} + ${sql.raw('2')}`.toOperationNode();
    const theirs = kysely.sql<number>`select ${1} + ${kysely.sql.raw('2')}`.toOperationNode();
    assert.deepEqual(ours, theirs);
    assert.equal(await loadKysely(), kysely);
  });
});
