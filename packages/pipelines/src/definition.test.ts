import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import { definePipeline, type StepDefinition } from './definition.js';
import { describePipeline } from './describe.js';
import { canonicalJson, stepCacheKey } from './cache-key.js';

const noop = (): Promise<Record<string, unknown>> => Promise.resolve({});

function pipelineWith(steps: Array<StepDefinition<unknown>>) {
  return () =>
    definePipeline({ name: 'broken', description: 'test', parameters: z.object({}), steps });
}

function rejectsWith(message: string) {
  return (error: unknown) => {
    assert.ok(error instanceof PlatformError);
    assert.equal(error.code, 'invalid_config');
    assert.equal(error.message, message);
    return true;
  };
}

describe('definePipeline', () => {
  it('refuses a dependency on a step that does not exist, naming the steps there are', () => {
    assert.throws(
      pipelineWith([
        { name: 'parse', run: noop },
        { name: 'chunk', dependsOn: ['prase'], run: noop },
      ]),
      rejectsWith(
        'pipeline "broken": step "chunk" depends on unknown step "prase" (steps: parse, chunk)',
      ),
    );
  });

  it('refuses a cycle and shows it', () => {
    assert.throws(
      pipelineWith([
        { name: 'source', run: noop },
        { name: 'parse', dependsOn: ['source', 'embed'], run: noop },
        { name: 'chunk', dependsOn: ['parse'], run: noop },
        { name: 'embed', dependsOn: ['chunk'], run: noop },
      ]),
      rejectsWith('pipeline "broken" has a dependency cycle: parse → embed → chunk → parse'),
    );
  });

  it('refuses a step that depends on itself', () => {
    assert.throws(
      pipelineWith([{ name: 'loop', dependsOn: ['loop'], run: noop }]),
      rejectsWith('pipeline "broken" has a dependency cycle: loop → loop'),
    );
  });

  it('refuses two steps with one name', () => {
    assert.throws(
      pipelineWith([
        { name: 'parse', run: noop },
        { name: 'parse', run: noop },
      ]),
      rejectsWith('pipeline "broken" declares step "parse" twice'),
    );
  });

  it('refuses names Argo and Kubeflow would not accept, and bad retries', () => {
    assert.throws(pipelineWith([{ name: 'Parse_Step', run: noop }]), /step name "Parse_Step"/);
    assert.throws(pipelineWith([{ name: 'parse', retries: -1, run: noop }]), /retries must be/);
    assert.throws(pipelineWith([]), /has no steps/);
  });
});

describe('describePipeline', () => {
  it('gives the declarative part as JSON a workflow compiler can read', () => {
    const pipeline = definePipeline({
      name: 'document-ingestion',
      description: 'source → parse → chunk → embed → upsert',
      parameters: z.object({ documentId: z.string(), chunkSize: z.number().default(800) }),
      steps: [
        { name: 'source', run: noop },
        { name: 'parse', dependsOn: ['source'], retries: 2, timeoutMs: 60_000, run: noop },
        { name: 'embed', dependsOn: ['parse'], cache: true, resumable: true, run: noop },
      ],
    });
    const description = describePipeline(pipeline);
    assert.deepEqual(description.steps, [
      {
        name: 'source',
        dependsOn: [],
        retries: 0,
        timeoutMs: null,
        cache: false,
        resumable: false,
      },
      {
        name: 'parse',
        dependsOn: ['source'],
        retries: 2,
        timeoutMs: 60_000,
        cache: false,
        resumable: false,
      },
      {
        name: 'embed',
        dependsOn: ['parse'],
        retries: 0,
        timeoutMs: null,
        cache: true,
        resumable: true,
      },
    ]);
    assert.deepEqual(description.parameters['required'], ['documentId']);
    assert.doesNotThrow(() => JSON.stringify(description));
  });
});

describe('stepCacheKey', () => {
  it('does not depend on key order but on every value', () => {
    const base = { pipeline: 'p', step: 's', parameters: { a: 1, b: [1, 2] }, dependencies: {} };
    const reordered = { ...base, parameters: { b: [1, 2], a: 1 } };
    assert.equal(stepCacheKey(base), stepCacheKey(reordered));
    assert.notEqual(stepCacheKey(base), stepCacheKey({ ...base, parameters: { a: 1, b: [2, 1] } }));
    assert.notEqual(stepCacheKey(base), stepCacheKey({ ...base, step: 't' }));
    assert.equal(canonicalJson({ z: { y: 1, x: 2 } }), '{"z":{"x":2,"y":1}}');
  });
});
