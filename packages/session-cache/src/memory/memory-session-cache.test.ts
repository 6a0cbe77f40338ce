import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PlatformError } from '@homelab-ai/contracts';
import { eventually } from '@homelab-ai/testkit';
import { runSessionCacheContract } from '../testing/session-cache-contract.js';
import { createMemorySessionCache } from './memory-session-cache.js';

runSessionCacheContract('memory', () => Promise.resolve(createMemorySessionCache()));

const HOUR = 3_600_000;

describe('in-memory session cache', () => {
  it('evicts the least recently used sessions once maxBytes is reached', async () => {
    const cache = createMemorySessionCache({ maxBytes: 64 * 1024 });
    const chunk = 'x'.repeat(4 * 1024); // ~8 KiB a session as UTF-16
    try {
      for (let index = 0; index < 6; index++)
        await cache.appendHistory(`s${index}`, [{ role: 'user', content: chunk, at: 1 }], {
          maxEntries: 10,
          ttlMs: HOUR,
        });
      await cache.getHistory('s0'); // s0 is now the most recently used
      for (let index = 6; index < 12; index++)
        await cache.appendHistory(`s${index}`, [{ role: 'user', content: chunk, at: 1 }], {
          maxEntries: 10,
          ttlMs: HOUR,
        });
      assert.equal((await cache.getHistory('s0')).length, 1, 'recently read: kept');
      assert.equal((await cache.getHistory('s1')).length, 0, 'least recently used: evicted');
      assert.equal((await cache.getHistory('s11')).length, 1, 'just written: kept');
      assert.match((await cache.health()).detail, /of 0\.1 MiB/);
    } finally {
      await cache.close();
    }
  });

  it('refuses one history larger than the whole cache, keeping the old one', async () => {
    const cache = createMemorySessionCache({ maxBytes: 16 * 1024 });
    try {
      await cache.appendHistory('s', [{ role: 'user', content: 'small', at: 1 }], {
        maxEntries: 10,
        ttlMs: HOUR,
      });
      await assert.rejects(
        cache.appendHistory('s', [{ role: 'user', content: 'y'.repeat(10_000), at: 2 }], {
          maxEntries: 10,
          ttlMs: HOUR,
        }),
        (error) => error instanceof PlatformError && error.code === 'payload_too_large',
      );
      assert.deepEqual(await cache.getHistory('s'), [{ role: 'user', content: 'small', at: 1 }]);
    } finally {
      await cache.close();
    }
  });

  it('sweeps expired keys that nobody reads again', async () => {
    const cache = createMemorySessionCache({ sweepIntervalMs: 20 });
    try {
      for (let index = 0; index < 5; index++) await cache.increment(`k${index}`, { windowMs: 50 });
      assert.match((await cache.health()).detail, /5 keys/);
      await eventually(
        async () => (/ 0 keys/.test((await cache.health()).detail) ? true : undefined),
        'the sweep to drop expired keys',
        3_000,
      );
    } finally {
      await cache.close();
    }
  });

  it('hands out copies: editing a returned entry does not change the history', async () => {
    const cache = createMemorySessionCache();
    try {
      await cache.appendHistory('s', [{ role: 'user', content: 'original', at: 1 }], {
        maxEntries: 10,
        ttlMs: HOUR,
      });
      const [entry] = await cache.getHistory('s');
      if (entry) entry.content = 'edited';
      assert.equal((await cache.getHistory('s'))[0]?.content, 'original');
    } finally {
      await cache.close();
    }
  });

  it('refuses settings that cannot work', () => {
    for (const settings of [{ maxBytes: 0 }, { sweepIntervalMs: 1.5 }])
      assert.throws(
        () => createMemorySessionCache(settings),
        (error) => error instanceof PlatformError && error.code === 'invalid_config',
      );
  });
});
