import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { freePort, startPostgresServer, type PostgresServerHandle } from '@homelab-ai/testkit';
import { MIGRATIONS, type Migration } from '../migrations/index.js';
import { openMetadataDb } from '../open-metadata-db.js';
import { runMetadataDbContract } from '../testing/metadata-db-contract.js';
import { createPostgresMetadataDb } from './postgres-metadata-db.js';

// One server for the file; each suite takes its own database on it.
let server: PostgresServerHandle;
before(async () => {
  server = await startPostgresServer();
});
after(() => server.stop());

runMetadataDbContract('PostgreSQL 15 (real server)', {
  open: async () => {
    const metadata = await openMetadataDb({ databaseUrl: server.url, dataDir: '/nonexistent' });
    assert.equal(metadata.adapter, 'postgres');
    return metadata;
  },
});

describe('PostgreSQL adapter', () => {
  it('migrates once when several instances start at the same moment', async () => {
    const url = await server.createDatabase('concurrent_starts');
    // Extra steps that would fail if run twice (no IF NOT EXISTS), so a double run shows.
    const migrations: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'probe-a', sql: 'CREATE TABLE probe_a (id int)' },
      { version: MIGRATIONS.length + 2, name: 'probe-b', sql: 'CREATE TABLE probe_b (id int)' },
    ];
    const settled = await Promise.allSettled(
      Array.from({ length: 4 }, () => createPostgresMetadataDb({ url, migrations, poolSize: 2 })),
    );
    const starts = settled.flatMap((start) => (start.status === 'fulfilled' ? [start.value] : []));
    try {
      for (const start of settled) {
        if (start.status === 'rejected') assert.fail(start.reason as Error);
      }
      const applied = starts.flatMap((start) => start.migrations.applied).sort((a, b) => a - b);
      assert.deepEqual(
        applied,
        migrations.map((migration) => migration.version),
      );
      const recorded = await starts[0]!.db
        .selectFrom('schema_migrations')
        .select('version')
        .orderBy('version')
        .execute();
      assert.equal(recorded.length, migrations.length);
      for (const start of starts) assert.equal(start.migrations.version, migrations.length);
    } finally {
      await Promise.all(starts.map((start) => start.close()));
    }
  });

  it('fails with `unavailable` naming the host, not the password, when nothing listens', async () => {
    const port = await freePort();
    const databaseUrl = `postgres://homelab:s3cret-pass@127.0.0.1:${port}/homelab`;
    await assert.rejects(
      openMetadataDb({ databaseUrl, dataDir: '/nonexistent' }),
      (error: unknown) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'unavailable');
        assert.match(
          error.message,
          new RegExp(`^cannot reach PostgreSQL at 127\\.0\\.0\\.1:${port}/homelab: `),
        );
        assert.ok(!error.message.includes('s3cret-pass'), error.message);
        return true;
      },
    );
  });

  it('refuses a DATABASE_URL that is not a postgres URL, without echoing it', async () => {
    await assert.rejects(
      openMetadataDb({ databaseUrl: 'mysql://root:hunter2@db/x', dataDir: '/nonexistent' }),
      (error: unknown) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'invalid_config');
        assert.ok(!error.message.includes('hunter2'), error.message);
        return true;
      },
    );
  });
});
