import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { MIGRATIONS } from '../migrations/index.js';
import { openMetadataDb } from '../open-metadata-db.js';
import { runMetadataDbContract } from '../testing/metadata-db-contract.js';

// One data directory for the whole file: creating a PGlite database costs seconds, reopening
// one well under a second, so the suites below reopen what the contract created.
const dataDir = await mkdtemp(join(tmpdir(), 'homelab-metadata-'));
after(() => rm(dataDir, { recursive: true, force: true }));

runMetadataDbContract('PGlite (embedded)', {
  open: async () => {
    const metadata = await openMetadataDb({ dataDir });
    assert.equal(metadata.adapter, 'pglite');
    return metadata;
  },
});

describe('PGlite data directory', () => {
  it('keeps the database files under <dataDir>/pglite', () => {
    assert.ok(existsSync(join(dataDir, 'pglite', 'PG_VERSION')));
  });

  it('refuses at start a data directory written by a newer build, and stays usable', async () => {
    const newer = MIGRATIONS.length + 1;
    const metadata = await openMetadataDb({ dataDir });
    await metadata.db
      .insertInto('schema_migrations')
      .values({ version: newer, name: 'from-a-newer-build' })
      .execute();
    await metadata.close();
    await assert.rejects(openMetadataDb({ dataDir }), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'conflict');
      assert.equal(
        error.message,
        `database schema version ${newer} is newer than this build's ${MIGRATIONS.length}; upgrade homelab-ai`,
      );
      return true;
    });
  });

  it('reports a data directory it cannot create as unavailable, naming it', async () => {
    const blocker = join(dataDir, 'a-file');
    await writeFile(blocker, 'not a directory');
    await assert.rejects(openMetadataDb({ dataDir: blocker }), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'unavailable');
      assert.ok(error.message.includes(join(blocker, 'pglite')), error.message);
      return true;
    });
  });
});
