import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PlatformError, type ErrorCode } from '@homelab-ai/contracts';
import { freePort } from '@homelab-ai/testkit';
import { startLoopbackTei, type LoopbackTei } from '../testing/loopback-tei.js';
import { HttpClient, type HttpClientSettings } from './http-client.js';

function failsWith(code: ErrorCode, pattern?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof PlatformError, `a PlatformError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    if (pattern) assert.match(error.message, pattern);
    return true;
  };
}

const embedCall = (signal?: AbortSignal) => ({
  path: '/embed',
  json: { inputs: ['hello world'], truncate: true },
  signal,
});

describe('HttpClient against a loopback TEI server', () => {
  let tei: LoopbackTei;
  const client = (settings: Partial<HttpClientSettings> = {}) =>
    new HttpClient({
      serviceName: 'embeddings (TEI)',
      baseUrl: tei.baseUrl,
      backoffBaseMs: 1,
      ...settings,
    });
  before(async () => {
    tei = await startLoopbackTei({ apiKey: 'secret' });
  });
  after(() => tei.close());

  it('sends the API key as a Bearer header and refuses, unretried, without it', async () => {
    const vectors = await client({ apiKey: 'secret' }).json<number[][]>(embedCall());
    assert.equal(vectors[0]?.length, 384);
    assert.equal(tei.requests.at(-1)?.headers.authorization, 'Bearer secret');
    const before = tei.requests.length;
    await assert.rejects(
      client().json(embedCall()),
      failsWith(
        'model_rejected',
        /^embeddings \(TEI\) http:\/\/127\.0\.0\.1:\d+\/embed answered 401/,
      ),
    );
    assert.equal(tei.requests.length, before + 1, 'a 401 is not retried');
  });

  it('retries a 503 and a 429 and then succeeds', async () => {
    const before = tei.requests.length;
    tei.faults.push({ status: 503, message: 'model is loading' }, { status: 429 });
    const vectors = await client({ apiKey: 'secret' }).json<number[][]>(embedCall());
    assert.equal(vectors.length, 1);
    assert.equal(tei.requests.length, before + 3);
  });

  it('gives up after its retries with the last answer, as a retryable error', async () => {
    const before = tei.requests.length;
    tei.faults.push({ status: 503 }, { status: 503 }, { status: 502, message: 'bad gateway here' });
    await assert.rejects(
      client({ apiKey: 'secret', retries: 2 }).json(embedCall()),
      failsWith('model_error', /answered 502: bad gateway here \(Backend\) \(after 3 attempts\)/),
    );
    assert.equal(tei.requests.length, before + 3);
  });

  it('never retries a 400 and names the service, URL and reason', async () => {
    const before = tei.requests.length;
    tei.faults.push({ status: 400, message: 'inputs must not be empty' });
    await assert.rejects(client({ apiKey: 'secret' }).json(embedCall()), (error) => {
      failsWith('model_rejected')(error);
      assert.equal(
        (error as Error).message,
        `embeddings (TEI) ${tei.baseUrl}/embed answered 400: inputs must not be empty (Empty)`,
      );
      assert.equal((error as PlatformError).retryable, false);
      return true;
    });
    assert.equal(tei.requests.length, before + 1);
  });

  it('waits as long as Retry-After asks, up to its cap', async () => {
    tei.faults.push({ status: 429, retryAfter: '0.3' });
    const started = Date.now();
    await client({ apiKey: 'secret' }).json(embedCall());
    assert.ok(Date.now() - started >= 290, 'waited the 300 ms the server asked for');
    tei.faults.push({ status: 503, retryAfter: '3600' });
    await client({ apiKey: 'secret', maxRetryAfterMs: 20 }).json(embedCall());
  });

  it('times out on a server that never answers, without retrying', async () => {
    const before = tei.requests.length;
    tei.faults.push({ hang: true });
    const closed = tei.nextClosedEarly();
    await assert.rejects(
      client({ apiKey: 'secret', timeoutMs: 150 }).json(embedCall()),
      failsWith(
        'timeout',
        /embeddings \(TEI\) http:\/\/127\.0\.0\.1:\d+\/embed did not answer within 150 ms/,
      ),
    );
    await closed;
    assert.equal(tei.requests.length, before + 1);
  });

  it('stops a request in flight when the caller aborts: the server sees the connection close', async () => {
    tei.faults.push({ hang: true });
    const controller = new AbortController();
    const seen = tei.nextRequest();
    const call = client({ apiKey: 'secret' }).json(embedCall(controller.signal));
    await seen;
    const closed = tei.nextClosedEarly();
    controller.abort();
    await assert.rejects(call, failsWith('cancelled'));
    await closed;
  });

  it('stops retrying once the caller aborts, though the server asked for a retry in an hour', async () => {
    const before = tei.requests.length;
    tei.faults.push({ status: 503, retryAfter: '3600' });
    const controller = new AbortController();
    const answered = tei.nextRequest();
    const call = client({ apiKey: 'secret', maxRetryAfterMs: 60_000 }).json(
      embedCall(controller.signal),
    );
    await answered;
    controller.abort();
    await assert.rejects(call, failsWith('cancelled'));
    assert.equal(tei.requests.length, before + 1);
  });

  it('retries a connection dropped mid-body or reset before the answer', async () => {
    const before = tei.requests.length;
    tei.faults.push({ dropMidBody: true }, { dropBeforeAnswer: true });
    const vectors = await client({ apiKey: 'secret' }).json<number[][]>(embedCall());
    assert.equal(vectors.length, 1);
    assert.equal(tei.requests.length, before + 3);
  });

  it('reports a dropped connection as unavailable when no retry is left', async () => {
    tei.faults.push({ dropMidBody: true });
    await assert.rejects(
      client({ apiKey: 'secret', retries: 0 }).json(embedCall()),
      failsWith('unavailable', /embeddings \(TEI\) http:\/\/127\.0\.0\.1:\d+\/embed unreachable/),
    );
  });

  it('names the URL when nothing listens, and its probe never throws', async () => {
    const port = await freePort();
    const absent = new HttpClient({
      serviceName: 'embeddings (TEI)',
      baseUrl: `http://127.0.0.1:${port}`,
      backoffBaseMs: 1,
    });
    await assert.rejects(
      absent.json(embedCall()),
      failsWith(
        'unavailable',
        new RegExp(`127\\.0\\.0\\.1:${port}/embed unreachable: ECONNREFUSED`),
      ),
    );
    const probe = await absent.probe('/info');
    assert.equal(probe.ok, false);
  });
});
