import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamSpec } from '@homelab-ai/contracts';
import { MemoryStream } from './memory-stream.js';

const spec = (maxAgeMs = 0): StreamSpec => ({
  name: 'TEST',
  subjects: ['test.>'],
  storage: 'memory',
  maxAgeMs,
  retention: 'limits',
  description: 'test stream',
});
const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array | undefined) => (data ? new TextDecoder().decode(data) : undefined);

describe('MemoryStream', () => {
  it('keeps the newest messages up to its limit, in order, however many came before', () => {
    const stream = new MemoryStream(spec(), 100);
    for (let index = 1; index <= 5_000; index++) stream.append('test.a', bytes(`m${index}`), {});
    assert.equal(stream.firstSequence, 4_901);
    assert.equal(text(stream.get(4_900)?.data), undefined, 'pruned');
    assert.equal(text(stream.get(4_901)?.data), 'm4901');
    assert.equal(text(stream.get(5_000)?.data), 'm5000');
    const read: string[] = [];
    for (
      let next = stream.nextFrom(1, () => true);
      next;
      next = stream.nextFrom(next.sequence + 1, () => true)
    )
      read.push(text(next.data) ?? '');
    assert.equal(read.length, 100);
    assert.deepEqual(read.slice(0, 2), ['m4901', 'm4902']);
    assert.equal(read.at(-1), 'm5000');
  });

  it('drops messages older than its age limit', async () => {
    const stream = new MemoryStream(spec(40), 1_000);
    stream.append('test.a', bytes('old'), {});
    await new Promise((resolve) => setTimeout(resolve, 60));
    stream.append('test.a', bytes('new'), {});
    assert.equal(stream.firstSequence, 2);
    assert.equal(text(stream.nextFrom(1, () => true)?.data), 'new');
  });

  it('skips subjects a reader does not take', () => {
    const stream = new MemoryStream(spec(), 10);
    stream.append('test.a', bytes('a'), {});
    stream.append('test.b', bytes('b'), {});
    assert.equal(text(stream.nextFrom(1, (subject) => subject === 'test.b')?.data), 'b');
  });
});
