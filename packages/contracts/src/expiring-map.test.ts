import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExpiringMap, keptPromise } from './expiring-map.js';

describe('ExpiringMap', () => {
  it('forgets an entry once its time is up', async () => {
    const kept = new ExpiringMap<string, number>(30);
    kept.set('a', 1);
    assert.equal(kept.get('a'), 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(kept.get('a'), undefined);
    assert.equal(kept.size, 0);
  });

  it('lets the oldest go past its size, a value set again counting as new', () => {
    const kept = new ExpiringMap<string, number>(60_000, 2);
    kept.set('a', 1);
    kept.set('b', 2);
    kept.set('a', 3);
    kept.set('c', 4);
    assert.equal(kept.get('b'), undefined);
    assert.equal(kept.get('a'), 3);
    assert.equal(kept.get('c'), 4);
  });

  it('keeps a promise for the next caller, but not a failed one', async () => {
    const kept = new ExpiringMap<string, Promise<number>>(60_000);
    let loads = 0;
    const load = (fail: boolean) => () => {
      loads += 1;
      return fail ? Promise.reject(new Error('down')) : Promise.resolve(loads);
    };
    await assert.rejects(keptPromise(kept, 'k', load(true)), /down/);
    assert.equal(await keptPromise(kept, 'k', load(false)), 2);
    assert.equal(await keptPromise(kept, 'k', load(false)), 2);
    assert.equal(loads, 2);
  });
});
