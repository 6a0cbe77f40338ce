import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CoalescingWriter } from './coalescing-writer.js';

/** A batch writer whose writes finish when the test says, recording each batch. */
function heldWrites(fail: (item: string) => boolean = () => false) {
  const batches: string[][] = [];
  const releases: (() => void)[] = [];
  const writer = new CoalescingWriter<string, string>(
    async (items) => {
      batches.push(items);
      await new Promise<void>((resolve) => releases.push(resolve));
      const failing = items.find(fail);
      if (failing) throw new Error(`cannot write ${failing}`);
      return items.map((item) => `${item} stored`);
    },
    (item) => item.split('#')[0] ?? item,
  );
  /** Lets the oldest write in flight finish, then lets the writer go on. */
  const release = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { writer, batches, release };
}

describe('CoalescingWriter', () => {
  it('writes the first item at once and what queued meanwhile in one batch next', async () => {
    const { writer, batches, release } = heldWrites();
    const first = writer.write('a');
    const queued = [writer.write('b'), writer.write('c'), writer.write('d')];
    await release();
    assert.deepEqual(batches, [['a'], ['b', 'c', 'd']]);
    await release();
    assert.equal(await first, 'a stored');
    assert.deepEqual(await Promise.all(queued), ['b stored', 'c stored', 'd stored']);
  });

  it('never puts two items with the same key in one batch', async () => {
    const { writer, batches, release } = heldWrites();
    const written = [
      writer.write('a'),
      writer.write('b#1'),
      writer.write('b#2'),
      writer.write('c'),
    ];
    await release();
    await release();
    await release();
    assert.deepEqual(batches, [['a'], ['b#1', 'c'], ['b#2']]);
    assert.deepEqual(await Promise.all(written), [
      'a stored',
      'b#1 stored',
      'b#2 stored',
      'c stored',
    ]);
  });

  it('writes each item of a failed batch alone, so only the bad one fails', async () => {
    const { writer, batches, release } = heldWrites((item) => item === 'bad');
    const first = writer.write('a');
    const good = writer.write('b');
    const badFails = assert.rejects(writer.write('bad'), /cannot write bad/);
    for (let write = 0; write < 4; write++) await release();
    assert.deepEqual(batches, [['a'], ['b', 'bad'], ['b'], ['bad']]);
    assert.equal(await first, 'a stored');
    assert.equal(await good, 'b stored');
    await badFails;
  });
});
