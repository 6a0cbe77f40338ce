/**
 * One contract suite for every MetadataDb adapter (PGlite and PostgreSQL): migrations, the
 * repository functions and the schema's keys and cascades, as the platform relies on them.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { MIGRATIONS, migrateMetadataDb, type Migration } from '../migrations/index.js';
import type { MetadataDb } from '../port.js';
import { toJson } from '../schema.js';
import { createChatSession, insertMessageOnce, listSessionMessages } from '../repository/chat.js';
import {
  CHUNK_INSERT_BATCH_SIZE,
  listDocumentChunks,
  replaceDocumentChunks,
  setDocumentStatus,
} from '../repository/documents.js';
import { createUser, deleteUser, findUserByEmail } from '../repository/users.js';
import { runChatMessagesContract } from './chat-messages-contract.js';
import { chunkCount, chunks, hasCode, newDocument, newUser } from './fixtures.js';

export interface MetadataDbHarness {
  /** Opens (and migrates) the database under test; a new, empty one the first time. */
  open(): Promise<MetadataDb>;
  teardown?(): Promise<void>;
}

const latest = MIGRATIONS.length;

export function runMetadataDbContract(name: string, harness: MetadataDbHarness): void {
  describe(`MetadataDb contract: ${name}`, () => {
    let metadata: MetadataDb;
    const db = () => metadata.db;
    before(async () => {
      metadata = await harness.open();
    });
    after(async () => {
      await metadata.close();
      await harness.teardown?.();
    });

    it('migrates a new database to the latest version, records it and reports healthy', async () => {
      assert.deepEqual(
        metadata.migrations.applied,
        MIGRATIONS.map((migration) => migration.version),
      );
      const recorded = await db().selectFrom('schema_migrations').selectAll().execute();
      assert.deepEqual(
        recorded.map((row) => [row.version, row.name]),
        MIGRATIONS.map((migration) => [migration.version, migration.name]),
      );
      assert.ok(recorded[0]?.applied_at instanceof Date);
      const health = await metadata.health();
      assert.equal(health.healthy, true, health.detail);
      assert.match(health.detail, new RegExp(`schema version ${latest}`));
    });

    it('applies nothing when migrated again', async () => {
      const report = await migrateMetadataDb(db(), MIGRATIONS);
      assert.deepEqual(report, { applied: [], version: latest });
    });

    it('refuses a database whose schema is newer than this build', async () => {
      await db()
        .insertInto('schema_migrations')
        .values({ version: latest + 1, name: 'from-a-newer-build' })
        .execute();
      try {
        await assert.rejects(
          migrateMetadataDb(db(), MIGRATIONS),
          hasCode(
            'conflict',
            new RegExp(
              `^database schema version ${latest + 1} is newer than this build's ${latest}; upgrade homelab-ai$`,
            ),
          ),
        );
      } finally {
        await db()
          .deleteFrom('schema_migrations')
          .where('version', '=', latest + 1)
          .execute();
      }
    });

    it('rolls a failing migration back entirely and records nothing', async () => {
      const broken: Migration = {
        version: latest + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (id integer); SELECT no_such_column FROM half_done;',
      };
      await assert.rejects(migrateMetadataDb(db(), [...MIGRATIONS, broken]), /no_such_column/);
      const table = await sql<{
        name: string | null;
      }>`SELECT to_regclass('half_done') AS name`.execute(db());
      assert.equal(table.rows[0]?.name, null);
      assert.deepEqual(await migrateMetadataDb(db(), MIGRATIONS), { applied: [], version: latest });
    });

    it('creates users, normalizing the email, and refuses a taken email in any case', async () => {
      const email = `Ada-${randomUUID()}@Example.TEST`;
      const user = await createUser(db(), { email, displayName: 'Ada', role: 'admin' });
      assert.equal(user.email, email.toLowerCase());
      assert.equal(user.role, 'admin');
      assert.equal(user.password_hash, null);
      assert.ok(user.created_at instanceof Date);
      assert.deepEqual(await findUserByEmail(db(), email.toUpperCase()), user);
      await assert.rejects(
        createUser(db(), { email: email.toUpperCase(), displayName: 'Ada again' }),
        hasCode('conflict', /already exists/),
      );
      await assert.rejects(
        createUser(db(), { email: 'not-an-address', displayName: 'x' }),
        hasCode('invalid_input', /not-an-address/),
      );
    });

    runChatMessagesContract(db);

    it('replaces a document’s chunks and count in one go', async () => {
      const document = await newDocument(db(), await newUser(db()));
      assert.equal(document.status, 'queued');
      assert.equal(document.size_bytes, 5_000_000_000);
      assert.equal(await replaceDocumentChunks(db(), document.id, chunks(3, 'old')), 3);
      assert.equal(await replaceDocumentChunks(db(), document.id, chunks(2, 'new')), 2);
      const stored = await listDocumentChunks(db(), document.id);
      assert.deepEqual(
        stored.map((chunk) => [chunk.ordinal, chunk.text, chunk.metadata]),
        [
          [0, 'new 0', { page: 1 }],
          [1, 'new 1', { page: 2 }],
        ],
      );
      assert.equal(await chunkCount(db(), document.id), 2);
      await assert.rejects(
        replaceDocumentChunks(db(), randomUUID(), chunks(1, 'x')),
        hasCode('not_found', /does not exist/),
      );
    });

    it('keeps the old chunks when an insert fails midway through a replacement', async () => {
      const document = await newDocument(db(), await newUser(db()));
      await replaceDocumentChunks(db(), document.id, chunks(3, 'old'));
      // Past the first batch, so earlier batches are already inserted when this one fails.
      const replacement = chunks(CHUNK_INSERT_BATCH_SIZE + 10, 'new');
      replacement.push({ ordinal: 0, text: 'repeats ordinal 0', tokenCount: 1 });
      await assert.rejects(
        replaceDocumentChunks(db(), document.id, replacement),
        hasCode('invalid_input', /repeat an ordinal/),
      );
      const stored = await listDocumentChunks(db(), document.id);
      assert.deepEqual(
        stored.map((chunk) => chunk.text),
        ['old 0', 'old 1', 'old 2'],
      );
      assert.equal(await chunkCount(db(), document.id), 3);
    });

    it('moves a document through its statuses, keeping the error only while failed', async () => {
      const document = await newDocument(db(), await newUser(db()));
      const indexing = await setDocumentStatus(db(), document.id, 'indexing');
      assert.equal(indexing.status, 'indexing');
      assert.ok(indexing.updated_at.getTime() >= document.updated_at.getTime());
      const failed = await setDocumentStatus(db(), document.id, 'failed', 'PDF is encrypted');
      assert.deepEqual([failed.status, failed.error], ['failed', 'PDF is encrypted']);
      const indexed = await setDocumentStatus(db(), document.id, 'indexed');
      assert.deepEqual([indexed.status, indexed.error], ['indexed', null]);
      await assert.rejects(
        setDocumentStatus(db(), randomUUID(), 'indexed'),
        hasCode('not_found', /does not exist/),
      );
      await assert.rejects(
        setDocumentStatus(db(), 'not-a-uuid', 'indexed'),
        hasCode('invalid_input', /not-a-uuid/),
      );
    });

    it('deletes everything a user owns with the user (cascade)', async () => {
      const owner = await newUser(db(), 'leaving');
      const document = await newDocument(db(), owner);
      await replaceDocumentChunks(db(), document.id, chunks(2, 'c'));
      const companion = await db()
        .insertInto('companions')
        .values({
          owner_id: owner.id,
          name: 'Pal',
          avatar: null,
          default_collection: document.collection_id,
          voice: 'en-amy',
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const session = await createChatSession(db(), {
        ownerId: owner.id,
        companionId: companion.id,
      });
      await insertMessageOnce(db(), {
        sessionId: session.id,
        role: 'user',
        content: 'hi',
        requestId: randomUUID(),
      });
      await db()
        .insertInto('api_tokens')
        .values({ user_id: owner.id, name: 'cli', token_hash: randomUUID() })
        .execute();

      await deleteUser(db(), owner.id);

      const owned = async (table: 'collections' | 'documents' | 'companions' | 'chat_sessions') =>
        (await db().selectFrom(table).select('owner_id').where('owner_id', '=', owner.id).execute())
          .length;
      const tokens = await db()
        .selectFrom('api_tokens')
        .select('id')
        .where('user_id', '=', owner.id)
        .execute();
      const counts = [
        ...(await Promise.all(
          (['collections', 'documents', 'companions', 'chat_sessions'] as const).map(owned),
        )),
        tokens.length,
      ];
      assert.deepEqual(counts, [0, 0, 0, 0, 0]);
      assert.deepEqual(await listDocumentChunks(db(), document.id), []);
      assert.deepEqual(await listSessionMessages(db(), session.id), []);
      await assert.rejects(deleteUser(db(), owner.id), hasCode('not_found'));
    });

    it('rolls back every write of a failed transaction', async () => {
      const email = `rollback-${randomUUID()}@example.test`;
      await assert.rejects(
        db()
          .transaction()
          .execute(async (trx) => {
            await createUser(trx, { email, displayName: 'Ghost' });
            throw new Error('abort the transaction');
          }),
        /abort the transaction/,
      );
      assert.equal(await findUserByEmail(db(), email), undefined);
    });

    it('refuses writes inside a read-only transaction', async () => {
      await assert.rejects(
        db()
          .transaction()
          .setAccessMode('read only')
          .execute((trx) =>
            createUser(trx, { email: `ro-${randomUUID()}@example.test`, displayName: 'RO' }),
          ),
        /read-only transaction/,
      );
    });

    it('stores pipeline runs, steps and tracking metrics with their types', async () => {
      const run = await db()
        .insertInto('pipeline_runs')
        .values({
          pipeline: 'ingest',
          request_id: randomUUID(),
          status: 'running',
          parameters: toJson({ collection: 'docs' }),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      assert.deepEqual(run.parameters, { collection: 'docs' });
      await db()
        .insertInto('pipeline_steps')
        .values({
          run_id: run.id,
          name: 'chunk',
          status: 'succeeded',
          outputs: toJson({ chunks: 12 }),
        })
        .execute();
      await assert.rejects(
        db().insertInto('pipeline_steps').values({ run_id: run.id, name: 'chunk' }).execute(),
        (error: unknown) => (error as { code?: string }).code === '23505',
      );
      const experiment = await db()
        .insertInto('experiments')
        .values({ name: `exp-${randomUUID()}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      const trackingRun = await db()
        .insertInto('tracking_runs')
        .values({ experiment_id: experiment.id, name: 'r1', pipeline_run_id: run.id })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db()
        .insertInto('tracking_metrics')
        .values([
          { run_id: trackingRun.id, key: 'loss', value: 0.5, step: 1 },
          { run_id: trackingRun.id, key: 'loss', value: 0.25, step: 2 },
        ])
        .execute();
      const metrics = await db()
        .selectFrom('tracking_metrics')
        .select(['value', 'step', 'timestamp'])
        .where('run_id', '=', trackingRun.id)
        .orderBy('step')
        .execute();
      assert.deepEqual(
        metrics.map((metric) => [metric.value, metric.step]),
        [
          [0.5, 1],
          [0.25, 2],
        ],
      );
      assert.ok(metrics[0]?.timestamp instanceof Date);
      await db().deleteFrom('pipeline_runs').where('id', '=', run.id).execute();
      const steps = await db()
        .selectFrom('pipeline_steps')
        .select('name')
        .where('run_id', '=', run.id)
        .execute();
      assert.deepEqual(steps, []);
      const kept = await db()
        .selectFrom('tracking_runs')
        .select('pipeline_run_id')
        .where('id', '=', trackingRun.id)
        .executeTakeFirstOrThrow();
      assert.equal(kept.pipeline_run_id, null);
    });

    // Last: it closes and reopens the database the other tests used.
    it('keeps its data across close and reopen, and the second start migrates nothing', async () => {
      const user = await newUser(db(), 'durable');
      await metadata.close();
      assert.equal((await metadata.health()).healthy, false);
      metadata = await harness.open();
      assert.deepEqual(metadata.migrations, { applied: [], version: latest });
      assert.deepEqual(await findUserByEmail(db(), user.email), user);
    });
  });
}
