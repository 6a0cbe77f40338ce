/**
 * One contract suite for every SessionCache adapter (in memory, Valkey): what the chat handler
 * and the rate limiter rely on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';
import { eventually } from '@homelab-ai/testkit';
import type { AppendHistoryOptions, HistoryEntry, SessionCache } from '../port.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOUR = 3_600_000;
const roomy: AppendHistoryOptions = { maxEntries: 1_000, ttlMs: HOUR };

function said(content: string, role: HistoryEntry['role'] = 'user'): HistoryEntry {
  return { role, content, at: Date.now() };
}

/** Rejects with a PlatformError of this code whose message contains every `mentions`. */
async function rejectsWith(
  promise: Promise<unknown>,
  code: ErrorCode,
  ...mentions: string[]
): Promise<void> {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    for (const mention of mentions)
      assert.ok(error.message.includes(mention), `"${error.message}" should mention ${mention}`);
    return true;
  });
}

/** Runs the suite. `createCache` gives a fresh cache (over a shared server is fine). */
export function runSessionCacheContract(
  name: string,
  createCache: () => Promise<SessionCache>,
  teardown?: () => Promise<void>,
): void {
  describe(`SessionCache contract: ${name}`, () => {
    let cache: SessionCache;
    const session = () => `s-${randomUUID()}`;

    before(async () => {
      cache = await createCache();
    });
    after(async () => {
      await cache.close();
      await teardown?.();
    });

    it('keeps entries in order, oldest first, with every field intact', async () => {
      const id = session();
      const first: HistoryEntry = { role: 'system', content: 'You are terse.', at: 1_000 };
      const second: HistoryEntry = {
        role: 'user',
        content: 'Grüße "quoted"\nnew line 🚀',
        request_id: 'req-1',
        at: 1_700_000_000_123,
      };
      const third: HistoryEntry = { role: 'assistant', content: '', at: 1_700_000_000_456 };
      assert.equal(await cache.appendHistory(id, [first, second], roomy), 2);
      assert.equal(await cache.appendHistory(id, [third], roomy), 3);
      assert.deepEqual(await cache.getHistory(id), [first, second, third]);
      assert.deepEqual(await cache.getHistory(id, { limit: 2 }), [second, third]);
      assert.deepEqual(await cache.getHistory(id, { limit: 50 }), [first, second, third]);
    });

    it('gives an empty history for an unknown session, and clearing it is no error', async () => {
      const id = session();
      assert.deepEqual(await cache.getHistory(id), []);
      await cache.clearHistory(id);
      await cache.appendHistory(id, [said('hello')], roomy);
      await cache.clearHistory(id);
      assert.deepEqual(await cache.getHistory(id), []);
      assert.equal(await cache.appendHistory(id, [said('again')], roomy), 1);
    });

    it('trims to the newest maxEntries, also within one large append', async () => {
      const id = session();
      const options = { maxEntries: 3, ttlMs: HOUR };
      for (const content of ['a', 'b', 'c'])
        await cache.appendHistory(id, [said(content)], options);
      assert.equal(await cache.appendHistory(id, [said('d'), said('e')], options), 3);
      const contents = async () => (await cache.getHistory(id)).map((entry) => entry.content);
      assert.deepEqual(await contents(), ['c', 'd', 'e']);
      const many = ['1', '2', '3', '4', '5'].map((content) => said(content));
      assert.equal(await cache.appendHistory(id, many, options), 3);
      assert.deepEqual(await contents(), ['3', '4', '5']);
    });

    it('keeps sessions apart, and histories, counters and values in separate spaces', async () => {
      const [alice, bob] = [session(), session()];
      await cache.appendHistory(alice, [said('from alice')], roomy);
      await cache.appendHistory(bob, [said('from bob')], roomy);
      await cache.clearHistory(alice);
      assert.deepEqual(await cache.getHistory(alice), []);
      assert.equal((await cache.getHistory(bob))[0]?.content, 'from bob');
      // The same name used as session, counter and value key must not collide.
      assert.equal(await cache.increment(bob, { windowMs: HOUR }), 1);
      assert.equal(await cache.setValue(bob, 'v', { ttlMs: HOUR }), true);
      assert.equal((await cache.getHistory(bob)).length, 1);
      assert.equal(await cache.getValue(bob), 'v');
    });

    it('lands all of 50 concurrent appends exactly once, each batch unbroken', async () => {
      const id = session();
      const lengths = await Promise.all(
        Array.from({ length: 50 }, (_, index) =>
          cache.appendHistory(id, [said(`m${index}`)], roomy),
        ),
      );
      // Each append saw its own length: none overwrote or interleaved with another.
      assert.deepEqual(
        [...lengths].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
      const contents = (await cache.getHistory(id)).map((entry) => entry.content);
      assert.deepEqual([...contents].sort(), Array.from({ length: 50 }, (_, i) => `m${i}`).sort());

      // Two-entry batches under trimming: the survivors are whole batches, in pairs.
      const pairs = session();
      await Promise.all(
        Array.from({ length: 30 }, (_, index) =>
          cache.appendHistory(pairs, [said(`q${index}`), said(`a${index}`, 'assistant')], {
            maxEntries: 10,
            ttlMs: HOUR,
          }),
        ),
      );
      const kept = await cache.getHistory(pairs);
      assert.equal(kept.length, 10);
      for (let index = 0; index < kept.length; index += 2)
        assert.equal(kept[index + 1]?.content, `a${kept[index]?.content.slice(1)}`);
    });

    it('expires a history ttlMs after the last append, and each append restarts it', async () => {
      const id = session();
      const options = { maxEntries: 10, ttlMs: 1_000 };
      await cache.appendHistory(id, [said('first')], options);
      await sleep(600);
      await cache.appendHistory(id, [said('second')], options);
      await sleep(600);
      // 1.2 s after the first append: alive only because the second append restarted the TTL.
      assert.equal((await cache.getHistory(id)).length, 2);
      await eventually(
        async () => ((await cache.getHistory(id)).length === 0 ? true : undefined),
        'the history to expire',
        5_000,
      );
      assert.equal(await cache.appendHistory(id, [said('fresh')], options), 1);
    });

    it('counts in fixed windows: later increments do not extend the window', async () => {
      const key = `rate:${session()}`;
      const window = { windowMs: 400 };
      assert.equal(await cache.increment(key, window), 1);
      assert.equal(await cache.increment(key, window), 2);
      assert.equal(await cache.increment(key, { ...window, by: 5 }), 7);
      // Incrementing every 20 ms: a sliding expiry would never let the counter restart.
      await eventually(
        async () => ((await cache.increment(key, window)) === 1 ? true : undefined),
        'the counter window to end',
        5_000,
      );
      const concurrent = `rate:${session()}`;
      const counts = await Promise.all(
        Array.from({ length: 50 }, () => cache.increment(concurrent, { windowMs: HOUR })),
      );
      assert.deepEqual(
        [...counts].sort((a, b) => a - b),
        Array.from({ length: 50 }, (_, index) => index + 1),
      );
    });

    it('stores values with a TTL, and onlyIfAbsent lets the first writer win', async () => {
      const key = `value-${session()}`;
      assert.equal(await cache.getValue(key), undefined);
      assert.equal(await cache.setValue(key, 'one', { ttlMs: HOUR }), true);
      assert.equal(await cache.setValue(key, 'two', { ttlMs: HOUR, onlyIfAbsent: true }), false);
      assert.equal(await cache.getValue(key), 'one');
      assert.equal(await cache.setValue(key, 'three', { ttlMs: 300 }), true);
      assert.equal(await cache.getValue(key), 'three');
      await eventually(
        async () => ((await cache.getValue(key)) === undefined ? true : undefined),
        'the value to expire',
        5_000,
      );
      assert.equal(await cache.setValue(key, 'four', { ttlMs: HOUR, onlyIfAbsent: true }), true);
      await cache.deleteValue(key);
      await cache.deleteValue(key);
      assert.equal(await cache.getValue(key), undefined);

      const claims = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          cache.setValue(`claim-${key}`, `worker ${index}`, { ttlMs: HOUR, onlyIfAbsent: true }),
        ),
      );
      assert.equal(claims.filter(Boolean).length, 1);
    });

    it('refuses bad session ids and keys with invalid_input naming them', async () => {
      await rejectsWith(cache.getHistory(''), 'invalid_input', 'session id', 'empty');
      await rejectsWith(
        cache.appendHistory('x'.repeat(257), [said('hi')], roomy),
        'invalid_input',
        'session id',
        '257 characters',
      );
      await rejectsWith(cache.clearHistory('bad\nid'), 'invalid_input', 'control character');
      await rejectsWith(cache.increment('', { windowMs: 1_000 }), 'invalid_input', 'key');
      await rejectsWith(cache.getValue('tab\there'), 'invalid_input', '"tab\\there"');
      // 256 characters is the longest allowed.
      assert.deepEqual(await cache.getHistory('x'.repeat(256)), []);
    });

    it('refuses bad entries and options naming the field, and stores nothing', async () => {
      const id = session();
      const cases: [unknown[], string][] = [
        [[{ role: 'robot', content: 'x', at: 1 }], 'entries[0].role'],
        [[said('ok'), { role: 'user', at: 1 }], 'entries[1].content'],
        [[{ role: 'user', content: 'x', at: 1.5 }], 'entries[0].at'],
        [[{ role: 'user', content: 'x', at: -1 }], 'entries[0].at'],
        [[{ role: 'user', content: 'x', at: 1, requestId: 'r' }], 'requestId'],
        [[{ role: 'user', content: 'x', at: 1, request_id: '' }], 'entries[0].request_id'],
        [[], 'non-empty'],
      ];
      for (const [entries, mention] of cases)
        await rejectsWith(
          cache.appendHistory(id, entries as HistoryEntry[], roomy),
          'invalid_input',
          mention,
        );
      await rejectsWith(
        cache.appendHistory(id, [said('x')], { maxEntries: 0, ttlMs: 1_000 }),
        'invalid_input',
        'maxEntries',
      );
      await rejectsWith(
        cache.appendHistory(id, [said('x')], { maxEntries: 5, ttlMs: -1 }),
        'invalid_input',
        'ttlMs',
      );
      await rejectsWith(cache.getHistory(id, { limit: 0 }), 'invalid_input', 'limit');
      await rejectsWith(cache.increment('k', { windowMs: 0 }), 'invalid_input', 'windowMs');
      await rejectsWith(cache.increment('k', { windowMs: 10, by: 1.5 }), 'invalid_input', 'by');
      await rejectsWith(cache.setValue('k', 'v', { ttlMs: Number.NaN }), 'invalid_input', 'ttlMs');
      await rejectsWith(
        cache.appendHistory(id, [said('y'.repeat(1_000_001))], roomy),
        'payload_too_large',
        'entries[0].content',
      );
      assert.deepEqual(await cache.getHistory(id), []);
    });

    it('says healthy while open; after close, calls fail with unavailable', async () => {
      const own = await createCache();
      assert.equal((await own.health()).healthy, true);
      assert.equal(await own.appendHistory(session(), [said('x')], roomy), 1);
      await own.close();
      await own.close();
      assert.equal((await own.health()).healthy, false);
      await rejectsWith(own.getHistory(session()), 'unavailable', 'closed');
      await rejectsWith(own.increment('k', { windowMs: 10 }), 'unavailable', 'closed');
    });
  });
}
