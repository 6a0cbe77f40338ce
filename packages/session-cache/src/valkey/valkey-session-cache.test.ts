import assert from 'node:assert/strict';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Valkey } from 'iovalkey';
import { PlatformError } from '@homelab-ai/contracts';
import { eventually, startRedisServer, type RedisServerHandle } from '@homelab-ai/testkit';
import { runSessionCacheContract } from '../testing/session-cache-contract.js';
import { createValkeySessionCache } from './valkey-session-cache.js';

const HOUR = 3_600_000;
const entry = (content: string) => ({ role: 'user' as const, content, at: 1 });

let contractServer: RedisServerHandle | undefined;
runSessionCacheContract(
  'valkey (real redis-server)',
  async () => {
    contractServer ??= await startRedisServer();
    return createValkeySessionCache({ url: contractServer.url, keyPrefix: 'contract:' });
  },
  async () => contractServer?.stop(),
);

describe('Valkey session cache against a server', () => {
  let server: RedisServerHandle;
  before(async () => {
    server = await startRedisServer();
  });
  after(() => server.stop());

  it('keeps its keys under the prefix, readable by any Redis client', async () => {
    const cache = createValkeySessionCache({ url: server.url, keyPrefix: 'tenant-a:' });
    const other = createValkeySessionCache({ url: server.url, keyPrefix: 'tenant-b:' });
    const raw = new Valkey(server.url);
    try {
      await cache.appendHistory('s1', [entry('hello')], { maxEntries: 5, ttlMs: HOUR });
      await cache.increment('rate', { windowMs: HOUR });
      assert.deepEqual(await other.getHistory('s1'), [], 'another prefix sees nothing');
      assert.deepEqual((await raw.keys('tenant-a:*')).sort(), [
        'tenant-a:counter:rate',
        'tenant-a:history:s1',
      ]);
      assert.deepEqual(await raw.lrange('tenant-a:history:s1', 0, -1), [
        JSON.stringify(entry('hello')),
      ]);
      const ttl = await raw.pttl('tenant-a:history:s1');
      assert.ok(ttl > HOUR - 60_000 && ttl <= HOUR, `TTL ${ttl}`);
    } finally {
      await Promise.all([cache.close(), other.close(), raw.quit()]);
    }
  });

  it('says unavailable, naming the URL, when the server is down; recovers when it returns', async () => {
    const doomed = await startRedisServer();
    const cache = createValkeySessionCache({ url: doomed.url });
    try {
      await cache.appendHistory('s', [entry('before')], { maxEntries: 5, ttlMs: HOUR });
      assert.equal((await cache.health()).healthy, true);
      await doomed.kill();
      const attempts = [
        () => cache.appendHistory('s', [entry('after')], { maxEntries: 5, ttlMs: HOUR }),
        () => cache.getHistory('s'),
        () => cache.increment('k', { windowMs: 1_000 }),
        () => cache.getValue('k'),
      ];
      for (const attempt of attempts) {
        const started = Date.now();
        await assert.rejects(attempt(), (error) => {
          assert.ok(error instanceof PlatformError, String(error));
          assert.equal(error.code, 'unavailable', error.message);
          assert.ok(error.message.includes(doomed.url), error.message);
          assert.equal(error.retryable, true);
          return true;
        });
        assert.ok(Date.now() - started < 3_000, `failed after ${Date.now() - started} ms`);
      }
      const health = await cache.health();
      assert.equal(health.healthy, false);
      assert.ok(health.detail.includes(doomed.url), health.detail);

      await doomed.restart();
      await eventually(
        async () => ((await cache.health()).healthy ? true : undefined),
        'the cache to reconnect',
        5_000,
      );
      assert.equal(
        await cache.appendHistory('s', [entry('back')], { maxEntries: 5, ttlMs: HOUR }),
        1,
      );
    } finally {
      await cache.close();
      await doomed.stop();
    }
  });

  it('fails fast with unavailable when nothing ever listened at the URL', async () => {
    const cache = createValkeySessionCache({ url: 'redis://127.0.0.1:1/0' });
    try {
      await assert.rejects(cache.getHistory('s'), (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, /redis:\/\/127\.0\.0\.1:1\/0.*ECONNREFUSED/);
        return true;
      });
      assert.equal((await cache.health()).healthy, false);
    } finally {
      await cache.close();
    }
  });

  it('does not hang on a server that accepts connections but never answers', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket)); // accepts, says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const url = `redis://127.0.0.1:${port}/0`;
    const cache = createValkeySessionCache({ url, commandTimeoutMs: 300 });
    try {
      const started = Date.now();
      await assert.rejects(cache.increment('k', { windowMs: 1_000 }), (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'unavailable', error.message);
        assert.ok(error.message.includes(url), error.message);
        return true;
      });
      assert.ok(Date.now() - started < 2_000, `failed after ${Date.now() - started} ms`);
      assert.equal((await cache.health()).healthy, false);
    } finally {
      await cache.close();
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('says timeout when a connected server is too slow to answer', async () => {
    const cache = createValkeySessionCache({ url: server.url, commandTimeoutMs: 200 });
    const raw = new Valkey(server.url);
    try {
      // Connected first (a busy machine may need more than 200 ms for that).
      await eventually(async () => ((await cache.health()).healthy ? true : undefined), 'connect');
      await raw.call('CLIENT', 'PAUSE', '800', 'ALL'); // the server holds every reply for 0.8 s
      await assert.rejects(cache.getHistory('s'), (error) => {
        assert.ok(error instanceof PlatformError);
        assert.equal(error.code, 'timeout', error.message);
        assert.ok(error.message.includes(server.url), error.message);
        return true;
      });
    } finally {
      await raw.call('CLIENT', 'UNPAUSE');
      await Promise.all([cache.close(), raw.quit()]);
    }
  });

  it('never shows the password of the URL', async () => {
    const cache = createValkeySessionCache({ url: 'redis://:s3cret@127.0.0.1:1/0' });
    try {
      await assert.rejects(cache.getHistory('s'), (error) => {
        assert.ok(error instanceof PlatformError);
        assert.ok(!error.message.includes('s3cret'), error.message);
        assert.ok(error.message.includes('redis://:***@127.0.0.1:1/0'), error.message);
        return true;
      });
      assert.ok(!(await cache.health()).detail.includes('s3cret'));
    } finally {
      await cache.close();
    }
    assert.throws(
      () => createValkeySessionCache({ url: 'http://:s3cret@host:6379' }),
      (error) =>
        error instanceof PlatformError &&
        error.code === 'invalid_config' &&
        error.message.includes('VALKEY_URL') &&
        !error.message.includes('s3cret'),
    );
  });

  it('refuses URLs that cannot work, naming VALKEY_URL', () => {
    for (const url of ['not a url', 'http://host:6379', 'redis://host:6379/zero'])
      assert.throws(
        () => createValkeySessionCache({ url }),
        (error) =>
          error instanceof PlatformError &&
          error.code === 'invalid_config' &&
          error.message.includes('VALKEY_URL'),
        url,
      );
  });

  it('says internal, naming the session, when a history holds something that is not JSON', async () => {
    const cache = createValkeySessionCache({ url: server.url, keyPrefix: 'corrupt:' });
    const raw = new Valkey(server.url);
    try {
      await raw.rpush('corrupt:history:broken', '{not json');
      await assert.rejects(
        cache.getHistory('broken'),
        (error) =>
          error instanceof PlatformError &&
          error.code === 'internal' &&
          error.message.includes('"broken"'),
      );
      await cache.clearHistory('broken');
      assert.deepEqual(await cache.getHistory('broken'), []);
    } finally {
      await Promise.all([cache.close(), raw.quit()]);
    }
  });
});
