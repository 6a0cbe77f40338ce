import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import { readAllBytes } from '@homelab-ai/object-store';
import { definePipeline } from './definition.js';
import { createEmbeddedRunner, type EmbeddedRunnerSettings } from './runner.js';
import {
  EventRecorder,
  Gate,
  openTestStores,
  untilAborted,
  type TestStores,
} from './testing/test-stores.js';

let stores: TestStores;
before(async () => {
  stores = await openTestStores();
});
after(() => stores.dispose());

function runnerFor(
  pipelines: EmbeddedRunnerSettings['pipelines'],
  extra: Partial<EmbeddedRunnerSettings> = {},
) {
  const events = new EventRecorder();
  const runner = createEmbeddedRunner({
    db: stores.db,
    objects: stores.objects,
    pipelines,
    retryBackoffMs: 5,
    onEvent: events.listener,
    ...extra,
  });
  return { runner, events };
}

const diamond = definePipeline({
  name: 'diamond',
  description: 'a → (b, c) → d',
  parameters: z.object({ n: z.number().int() }),
  steps: [
    {
      name: 'a',
      run: async (ctx) => {
        const stored = await ctx.artifacts.put('n.txt', String(ctx.parameters.n));
        return { n: ctx.parameters.n, key: stored.key };
      },
    },
    {
      name: 'b',
      dependsOn: ['a'],
      run: (ctx) => Promise.resolve({ double: Number(ctx.output('a')['n']) * 2 }),
    },
    {
      name: 'c',
      dependsOn: ['a'],
      run: async (ctx) => {
        const text = Buffer.from(await ctx.artifacts.get('n.txt', { step: 'a' })).toString();
        return { square: Number(text) ** 2 };
      },
    },
    {
      name: 'd',
      dependsOn: ['b', 'c'],
      run: (ctx) =>
        Promise.resolve({
          sum: Number(ctx.dependencies['b']?.['double']) + Number(ctx.output('c')['square']),
        }),
    },
  ],
});

describe('embedded runner', () => {
  it('runs a diamond DAG, passing each step the outputs of its dependencies', async () => {
    const { runner } = runnerFor([diamond]);
    const runId = await runner.start('diamond', { n: 3 });
    const run = await runner.wait(runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(run.error, null);
    assert.deepEqual(
      run.steps.map((step) => [step.name, step.status]),
      [
        ['a', 'succeeded'],
        ['b', 'succeeded'],
        ['c', 'succeeded'],
        ['d', 'succeeded'],
      ],
    );
    assert.deepEqual(run.steps[3]?.outputs, { sum: 6 + 9 });
    assert.ok(run.finishedAt instanceof Date);
    const artifact = await stores.objects.get(`pipelines/${runId}/a/n.txt`);
    assert.equal((await readAllBytes(artifact.body)).toString(), '3');
    assert.equal(run.steps[0]?.outputs['key'], `pipelines/${runId}/a/n.txt`);
    await runner.close();
  });

  it('never runs more steps at once than its concurrency, across runs', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const twoIn = new Gate();
    const wide = definePipeline({
      name: 'wide',
      description: 'three independent steps',
      parameters: z.object({ label: z.string() }),
      steps: ['x', 'y', 'z'].map((name) => ({
        name,
        run: async () => {
          inFlight += 1;
          maxInFlight = Math.max(maxInFlight, inFlight);
          if (inFlight === 2) twoIn.open();
          // Everyone waits until two are in: an unbounded runner would let all six in here.
          await twoIn.opened;
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
          return {};
        },
      })),
    });
    const { runner } = runnerFor([wide], { concurrency: 2 });
    const runs = await Promise.all([
      runner.start('wide', { label: '1' }),
      runner.start('wide', { label: '2' }),
    ]);
    const finished = await Promise.all(runs.map((runId) => runner.wait(runId)));
    assert.deepEqual(
      finished.map((run) => run.status),
      ['succeeded', 'succeeded'],
    );
    assert.equal(maxInFlight, 2);
    await runner.close();
  });

  it('retries a failing step with backoff and succeeds', async () => {
    let calls = 0;
    const flaky = definePipeline({
      name: 'flaky',
      description: 'fails twice',
      parameters: z.object({}),
      steps: [
        {
          name: 'call-api',
          retries: 2,
          run: (ctx) => {
            calls += 1;
            if (ctx.attempt < 3) throw new Error(`service busy (attempt ${ctx.attempt})`);
            return Promise.resolve({ attempt: ctx.attempt });
          },
        },
      ],
    });
    const { runner, events } = runnerFor([flaky]);
    const run = await runner.wait(await runner.start('flaky', {}));
    assert.equal(run.status, 'succeeded');
    assert.equal(calls, 3);
    assert.equal(run.steps[0]?.attempt, 3);
    assert.deepEqual(run.steps[0]?.outputs, { attempt: 3 });
    const retries = events.of(run.id).filter((event) => event.step?.status === 'pending');
    assert.deepEqual(
      retries.map((event) => event.error),
      ['service busy (attempt 1)', 'service busy (attempt 2)'],
    );
    await runner.close();
  });

  it('fails the run with the step error once retries are spent, skipping the dependents', async () => {
    const broken = definePipeline({
      name: 'broken-parser',
      description: 'parse always fails',
      parameters: z.object({}),
      steps: [
        {
          name: 'parse',
          retries: 1,
          run: () => Promise.reject(new Error('unexpected token at line 3')),
        },
        { name: 'chunk', dependsOn: ['parse'], run: () => Promise.resolve({}) },
      ],
    });
    const { runner } = runnerFor([broken]);
    const run = await runner.wait(await runner.start('broken-parser', {}));
    assert.equal(run.status, 'failed');
    assert.equal(run.error, 'step "parse" failed after 2 attempts: unexpected token at line 3');
    assert.deepEqual(
      run.steps.map((step) => [step.name, step.status, step.error]),
      [
        ['parse', 'failed', 'unexpected token at line 3'],
        ['chunk', 'skipped', `not run: ${run.error}`],
      ],
    );
    await runner.close();
  });

  it('aborts a step at its timeout and fails the run saying so', async () => {
    let sawAbort = false;
    const slow = definePipeline({
      name: 'slow',
      description: 'never finishes by itself',
      parameters: z.object({}),
      steps: [
        {
          name: 'wait-forever',
          timeoutMs: 50,
          run: async (ctx) => {
            await untilAborted(ctx.signal).catch((error: unknown) => {
              sawAbort = true;
              throw error;
            });
            return {};
          },
        },
      ],
    });
    const { runner } = runnerFor([slow]);
    const run = await runner.wait(await runner.start('slow', {}));
    assert.equal(run.status, 'failed');
    assert.match(run.error ?? '', /step "wait-forever" of pipeline "slow" timed out after 50 ms/);
    assert.equal(sawAbort, true);
    await runner.close();
  });

  it('cancels a run mid-way: running steps are aborted, the rest never start', async () => {
    let abortReason: unknown;
    let laterRan = false;
    const long = definePipeline({
      name: 'long',
      description: 'a step that runs until cancelled',
      parameters: z.object({}),
      steps: [
        {
          name: 'embed',
          run: (ctx) =>
            untilAborted(ctx.signal).catch((error: unknown) => {
              abortReason = error;
              throw error;
            }),
        },
        {
          name: 'upsert',
          dependsOn: ['embed'],
          run: () => ((laterRan = true), Promise.resolve({})),
        },
      ],
    });
    const { runner, events } = runnerFor([long]);
    const runId = await runner.start('long', {});
    await events.stepRunning(runId, 'embed');
    const run = await runner.cancel(runId);
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(
      run.steps.map((step) => [step.name, step.status, step.error]),
      [
        ['embed', 'skipped', 'cancelled'],
        ['upsert', 'skipped', 'cancelled'],
      ],
    );
    assert.ok(abortReason instanceof PlatformError && abortReason.code === 'cancelled');
    assert.equal(laterRan, false);
    assert.equal(events.of(runId).at(-1)?.status, 'cancelled');
    assert.equal((await runner.cancel(runId)).status, 'cancelled');
    await runner.close();
  });

  it('serves a cached step from an earlier run with the same inputs without running it', async () => {
    let embedCalls = 0;
    const cached = definePipeline({
      name: 'cached-embed',
      description: 'embed is cached',
      parameters: z.object({ text: z.string() }),
      steps: [
        {
          name: 'embed',
          cache: true,
          run: (ctx) => (
            (embedCalls += 1),
            Promise.resolve({ vector: [ctx.parameters.text.length] })
          ),
        },
        {
          name: 'count',
          dependsOn: ['embed'],
          run: (ctx) => Promise.resolve({ seen: ctx.output('embed') }),
        },
      ],
    });
    const { runner, events } = runnerFor([cached]);
    const first = await runner.wait(await runner.start('cached-embed', { text: 'hello' }));
    const second = await runner.wait(await runner.start('cached-embed', { text: 'hello' }));
    assert.equal(embedCalls, 1);
    assert.equal(second.status, 'succeeded');
    assert.equal(second.steps[0]?.cachedFrom, first.id);
    assert.deepEqual(second.steps[1]?.outputs, { seen: { vector: [5] } });
    assert.ok(events.of(second.id).some((event) => event.step?.cached === true));
    await runner.wait(await runner.start('cached-embed', { text: 'other text' }));
    assert.equal(embedCalls, 2, 'different parameters must miss the cache');
    await runner.close();
  });

  it('refuses invalid parameters naming the field, and stores nothing', async () => {
    const { runner } = runnerFor([diamond]);
    const before = (await runner.list({ pipeline: 'diamond' })).length;
    await assert.rejects(runner.start('diamond', { n: 'three' }), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'invalid_input');
      assert.match(error.message, /^invalid parameters for pipeline "diamond": n: /);
      return true;
    });
    assert.equal((await runner.list({ pipeline: 'diamond' })).length, before);
    await runner.close();
  });

  it('answers an unknown pipeline with not_found listing the available ones', async () => {
    const { runner } = runnerFor([diamond]);
    await assert.rejects(runner.start('dimaond', {}), (error: unknown) => {
      assert.ok(error instanceof PlatformError);
      assert.equal(error.code, 'not_found');
      assert.equal(error.message, 'no pipeline named "dimaond"; available: diamond');
      return true;
    });
    await assert.rejects(runner.get('00000000-0000-4000-8000-000000000000'), /no pipeline run/);
    await runner.close();
  });

  it('starts a run once per request id', async () => {
    let runs = 0;
    const once = definePipeline({
      name: 'once',
      description: 'counts executions',
      parameters: z.object({}),
      steps: [{ name: 'count', run: () => ((runs += 1), Promise.resolve({})) }],
    });
    const { runner } = runnerFor([once, diamond]);
    const first = await runner.start('once', {}, { requestId: 'req-42' });
    const second = await runner.start('once', {}, { requestId: 'req-42' });
    assert.equal(second, first);
    await runner.wait(first);
    assert.equal(runs, 1);
    assert.equal((await runner.list({ pipeline: 'once' })).length, 1);
    await assert.rejects(
      runner.start('diamond', { n: 1 }, { requestId: 'req-42' }),
      /already started pipeline "once"/,
    );
    await runner.close();
  });

  it('emits every change of a run in order, progress included', async () => {
    const linear = definePipeline({
      name: 'linear',
      description: 'first → second',
      parameters: z.object({}),
      steps: [
        { name: 'first', run: (ctx) => (ctx.progress(0.5, 'half way'), Promise.resolve({})) },
        { name: 'second', dependsOn: ['first'], run: () => Promise.resolve({}) },
      ],
    });
    const { runner, events } = runnerFor([linear]);
    const runId = await runner.start('linear', {}, { requestId: 'ordered-1' });
    await runner.wait(runId);
    const seen = events
      .of(runId)
      .map((event) =>
        [event.status, event.step?.name, event.step?.status, event.progress?.message]
          .filter(Boolean)
          .join(' '),
      );
    assert.deepEqual(seen, [
      'pending',
      'running first running',
      'running first running half way',
      'running first succeeded',
      'running second running',
      'running second succeeded',
      'succeeded',
    ]);
    assert.ok(
      events
        .of(runId)
        .every((event) => event.requestId === 'ordered-1' && event.pipeline === 'linear'),
    );
    await runner.close();
  });
});
