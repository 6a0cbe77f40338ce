import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { z } from 'zod';
import { definePipeline } from './definition.js';
import { INTERRUPTED_BY_RESTART } from './recovery.js';
import { createEmbeddedRunner, type EmbeddedRunner } from './runner.js';
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

/** A fetch → index pipeline whose `index` step blocks while `blockIndex` is true. */
function ingestion(name: string, resumable: boolean) {
  const calls = { fetch: 0, index: 0, blockIndex: true, indexInputs: [] as unknown[] };
  const pipeline = definePipeline({
    name,
    description: 'fetch → index',
    parameters: z.object({ url: z.string() }),
    steps: [
      {
        name: 'fetch',
        run: (ctx) => ((calls.fetch += 1), Promise.resolve({ bytes: ctx.parameters.url.length })),
      },
      {
        name: 'index',
        dependsOn: ['fetch'],
        resumable,
        run: async (ctx) => {
          calls.index += 1;
          calls.indexInputs.push(ctx.output('fetch'));
          if (calls.blockIndex) await untilAborted(ctx.signal);
          return { indexed: true, attempt: ctx.attempt };
        },
      },
    ],
  });
  return { pipeline, calls };
}

function runnerWith(pipelines: Parameters<typeof createEmbeddedRunner>[0]['pipelines']) {
  const events = new EventRecorder();
  const runner = createEmbeddedRunner({
    db: stores.db,
    objects: stores.objects,
    pipelines,
    retryBackoffMs: 5,
    onEvent: events.listener,
  });
  return { runner, events };
}

/** Starts a run on a first runner and "crashes" it while `index` runs. */
async function interruptedRun(first: EmbeddedRunner, events: EventRecorder, pipeline: string) {
  const runId = await first.start(pipeline, { url: 'https://example.test/doc.pdf' });
  await events.stepRunning(runId, 'index');
  await first.close({ graceMs: 0 });
  return runId;
}

describe('restart recovery', () => {
  it('resumes a resumable run: succeeded steps are not re-run, their outputs come from the DB', async () => {
    const { pipeline, calls } = ingestion('ingest-resumable', true);
    const first = runnerWith([pipeline]);
    const runId = await interruptedRun(first.runner, first.events, pipeline.name);

    const left = await first.runner.get(runId);
    assert.equal(left.status, 'running', 'a crash must leave the run unfinished, not lost');
    assert.deepEqual(
      left.steps.map((step) => step.status),
      ['succeeded', 'running'],
    );

    calls.blockIndex = false;
    const second = runnerWith([pipeline]);
    const report = await second.runner.recover();
    assert.deepEqual(report, { resumed: [runId], failed: [] });
    const run = await second.runner.wait(runId);
    assert.equal(run.status, 'succeeded');
    assert.equal(calls.fetch, 1);
    assert.equal(calls.index, 2);
    assert.deepEqual(calls.indexInputs[1], { bytes: 28 });
    assert.deepEqual(run.steps[1]?.outputs, { indexed: true, attempt: 2 });
    assert.equal(second.events.of(runId).at(-1)?.status, 'succeeded');
    await second.runner.close();
  });

  it('fails a run whose running step is not resumable, saying it was interrupted by a restart', async () => {
    const { pipeline, calls } = ingestion('ingest-once-only', false);
    const first = runnerWith([pipeline]);
    const runId = await interruptedRun(first.runner, first.events, pipeline.name);

    const second = runnerWith([pipeline]);
    const report = await second.runner.recover();
    assert.deepEqual(report.resumed, []);
    assert.deepEqual(
      report.failed.map((failure) => failure.runId),
      [runId],
    );
    const run = await second.runner.get(runId);
    assert.equal(run.status, 'failed');
    assert.match(
      run.error ?? '',
      /^interrupted by a restart: step "index" was running and is not resumable/,
    );
    assert.deepEqual(
      second.events.of(runId).map((event) => [event.status, event.error]),
      [['failed', run.error]],
    );
    assert.deepEqual(
      run.steps.map((step) => [step.status, step.error]),
      [
        ['succeeded', null],
        ['failed', INTERRUPTED_BY_RESTART],
      ],
    );
    assert.equal(calls.index, 1, 'a non-resumable step must not run again');
    await second.runner.close();
  });

  it('fails a run of a pipeline this build no longer defines, naming the ones it does', async () => {
    const { pipeline } = ingestion('ingest-retired', true);
    const first = runnerWith([pipeline]);
    const runId = await interruptedRun(first.runner, first.events, pipeline.name);
    const { pipeline: other } = ingestion('ingest-current', true);
    const second = runnerWith([other]);
    const report = await second.runner.recover();
    assert.deepEqual(report.failed, [
      {
        runId,
        error:
          'interrupted by a restart: pipeline "ingest-retired" is not defined in this build (defined: ingest-current)',
      },
    ]);
    await second.runner.close();
  });

  it('cancels a run left by a runner that is gone', async () => {
    const { pipeline } = ingestion('ingest-abandoned', true);
    const first = runnerWith([pipeline]);
    const runId = await interruptedRun(first.runner, first.events, pipeline.name);
    const second = runnerWith([pipeline]);
    const run = await second.runner.cancel(runId);
    assert.equal(run.status, 'cancelled');
    assert.deepEqual(
      run.steps.map((step) => step.status),
      ['succeeded', 'skipped'],
    );
    assert.deepEqual((await second.runner.recover()).resumed, []);
    await second.runner.close();
  });

  it('lets a running step finish within the grace period on close, and starts nothing new', async () => {
    const release = new Gate();
    let laterRan = false;
    const pipeline = definePipeline({
      name: 'graceful',
      description: 'work → later',
      parameters: z.object({}),
      steps: [
        { name: 'work', run: async () => (await release.opened, { done: true }) },
        { name: 'later', dependsOn: ['work'], run: () => ((laterRan = true), Promise.resolve({})) },
      ],
    });
    const { runner, events } = runnerWith([pipeline]);
    const runId = await runner.start('graceful', {});
    await events.stepRunning(runId, 'work');
    const closing = runner.close({ graceMs: 10_000 });
    await assert.rejects(runner.start('graceful', {}), /the pipeline runner is closed/);
    release.open();
    await closing;
    const run = await runner.get(runId);
    assert.deepEqual(
      run.steps.map((step) => [step.name, step.status]),
      [
        ['work', 'succeeded'],
        ['later', 'pending'],
      ],
    );
    assert.equal(run.status, 'running');
    assert.equal(laterRan, false);

    const next = runnerWith([pipeline]);
    assert.deepEqual((await next.runner.recover()).resumed, [runId]);
    assert.equal((await next.runner.wait(runId)).status, 'succeeded');
    assert.equal(laterRan, true);
    await next.runner.close();
  });
});
