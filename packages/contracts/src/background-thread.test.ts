import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import { BACKGROUND_NICENESS, lowerThisThreadPriority } from './background-thread.js';

/** The calling thread's niceness, as Linux reports it (field 19 of its stat line). */
const niceness = () =>
  Number(readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ')[16]);

describe('lowerThisThreadPriority', () => {
  it('lowers the priority of the worker that calls it, and of no other thread', async () => {
    if (process.platform !== 'linux') {
      assert.equal(lowerThisThreadPriority(), false);
      return;
    }
    const before = niceness();
    const worker = new Worker(
      `const { parentPort } = require('node:worker_threads');
       const { readFileSync } = require('node:fs');
       import(${JSON.stringify(new URL('./background-thread.js', import.meta.url).href)}).then((m) => {
         const lowered = m.lowerThisThreadPriority();
         const stat = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
         parentPort.postMessage({ lowered, niceness: Number(stat[16]) });
       });`,
      { eval: true },
    );
    const [reply] = (await once(worker, 'message')) as [{ lowered: boolean; niceness: number }];
    await worker.terminate();
    assert.deepEqual(reply, {
      lowered: true,
      niceness: Math.min(19, before + BACKGROUND_NICENESS),
    });
    assert.equal(niceness(), before, 'the calling process keeps its priority');
  });
});
