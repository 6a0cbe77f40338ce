import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { startS3Server, type S3ServerHandle } from '@homelab-ai/testkit';
import { runObjectStoreContract } from '../testing/object-store-contract.js';
import { createS3ObjectStore, type S3ObjectStoreSettings } from './s3-object-store.js';

function settingsFor(server: S3ServerHandle, bucket: string): S3ObjectStoreSettings {
  return {
    endpoint: server.endpoint,
    bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
  };
}

let contractServer: S3ServerHandle | undefined;
runObjectStoreContract(
  'S3 (real s3rver)',
  async ({ maxObjectBytes }) => {
    contractServer ??= await startS3Server();
    return createS3ObjectStore({
      ...settingsFor(contractServer, 'contract-bucket'),
      ...(maxObjectBytes === undefined ? {} : { maxObjectBytes }),
    });
  },
  async () => contractServer?.stop(),
);

describe('S3 object store against a server', () => {
  let server: S3ServerHandle;
  before(async () => {
    server = await startS3Server();
  });
  after(() => server.stop());

  it('creates its bucket on first use, once, even with two stores racing', async () => {
    const bucket = `fresh-${randomUUID().slice(0, 8)}`;
    const stores = [
      createS3ObjectStore(settingsFor(server, bucket)),
      createS3ObjectStore(settingsFor(server, bucket)),
    ];
    await Promise.all(stores.map((store, index) => store.put(`from-${index}`, 'x')));
    assert.equal((await stores[0]!.list()).objects.length, 2);
    await Promise.all(stores.map((store) => store.close()));
  });

  it('says unavailable, naming the endpoint, when the server is down; health turns unhealthy', async () => {
    const doomed = await startS3Server();
    const store = createS3ObjectStore({ ...settingsFor(doomed, 'down-bucket'), maxAttempts: 1 });
    try {
      await store.put('before', 'fine');
      assert.equal((await store.health()).healthy, true);
      await doomed.stop();
      const attempts = [
        () => store.put('after', 'x'),
        () => store.get('before'),
        () => store.list(),
      ];
      for (const attempt of attempts) {
        await assert.rejects(attempt(), (error) => {
          assert.ok(error instanceof PlatformError, String(error));
          assert.equal(error.code, 'unavailable');
          assert.ok(error.message.includes(doomed.endpoint), error.message);
          assert.equal(error.retryable, true);
          return true;
        });
      }
      const health = await store.health();
      assert.equal(health.healthy, false);
      assert.ok(health.detail.includes(doomed.endpoint), health.detail);
    } finally {
      await store.close();
    }
  });

  it('refuses settings that cannot work, naming the variable', () => {
    const base = settingsFor(server, 'ok-bucket');
    for (const [settings, variable] of [
      [{ ...base, bucket: 'No_Such' }, 'S3_BUCKET'],
      [{ ...base, endpoint: 'minio:9000' }, 'S3_ENDPOINT'],
      [{ ...base, secretAccessKey: '' }, 'S3_SECRET_ACCESS_KEY'],
    ] as const)
      assert.throws(
        () => createS3ObjectStore(settings),
        (error) =>
          error instanceof PlatformError &&
          error.code === 'invalid_config' &&
          error.message.includes(variable),
      );
  });
});
