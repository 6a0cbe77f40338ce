import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadConfig } from '@homelab-ai/config';
import { createSilentLogger } from '@homelab-ai/observability';
import {
  eventually,
  freePort,
  startLoopbackLlm,
  startNatsServer,
  startPostgresServer,
  startRedisServer,
  startS3Server,
} from '@homelab-ai/testkit';
import WebSocket from 'ws';
import { createPlatform } from './platform.js';
import { startRoles, type RunningRoles } from './roles.js';
import { GatewayClient } from './testing/gateway-client.js';

const TOKEN = 'hlai_test_bootstrap_token_platform_00001';

interface HealthBody {
  status: string;
  components: Record<string, { adapter: string; healthy: boolean; detail: string }>;
}

async function start(
  env: Record<string, string>,
  roles: Parameters<typeof startRoles>[1],
): Promise<RunningRoles> {
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-platform-'));
  const config = loadConfig({ PORT: '0', HOMELAB_DATA_DIR: dataDir, ...env });
  const platform = await createPlatform(config, { logger: createSilentLogger() });
  return startRoles(platform, roles);
}

describe('the platform on embedded defaults', () => {
  const running: RunningRoles[] = [];
  after(() => Promise.all(running.map((roles) => roles.stop())));

  it('reports each port on /healthz: embedded bus healthy, no LLM with the fix', async () => {
    const platform = await start({}, ['gateway', 'chat-handler']);
    running.push(platform);
    const response = await fetch(`${platform.url}/healthz`);
    assert.equal(response.status, 200);
    const body = (await response.json()) as HealthBody;
    assert.equal(body.status, 'degraded');
    assert.deepEqual(Object.keys(body.components).sort(), [
      'bus',
      'cache',
      'db',
      'embeddings',
      'llm',
      'objects',
      'reranker',
      'stt',
      'tts',
      'vectors',
    ]);
    assert.equal(body.components.embeddings?.adapter, 'none');
    assert.match(body.components.embeddings?.detail ?? '', /models pull bge-small-en-v1\.5/);
    assert.equal(body.components.reranker?.adapter, 'none');
    assert.match(body.components.reranker?.detail ?? '', /RERANKER_URL/);
    assert.equal(body.components.stt?.adapter, 'pocketsphinx');
    assert.equal(body.components.tts?.adapter, 'espeak-ng');
    assert.equal(body.components.cache?.adapter, 'memory');
    assert.equal(body.components.vectors?.adapter, 'embedded');
    assert.match(body.components.vectors?.detail ?? '', /opens on first use/);
    assert.equal(body.components.db?.adapter, 'pglite');
    // The gateway opens it at once, in the background: PGlite takes seconds.
    assert.match(body.components.db?.detail ?? '', /opens on first use|opening…|schema version/);
    assert.equal(body.components.db?.healthy, true, 'an embedded database warming up is fine');
    assert.equal(body.components.objects?.adapter, 'file');
    assert.equal(body.components.objects?.healthy, true);
    assert.equal(body.components.bus?.adapter, 'memory');
    assert.equal(body.components.bus?.healthy, true);
    assert.equal(body.components.llm?.adapter, 'none');
    assert.equal(body.components.llm?.healthy, false);
    assert.match(body.components.llm?.detail ?? '', /LLM_BASE_URL/);
  });

  it('is ok with an OpenAI-compatible LLM, serves Prometheus metrics and the page assets', async () => {
    const llm = await startLoopbackLlm();
    const platform = await start({ LLM_BASE_URL: llm.baseUrl }, ['gateway', 'chat-handler']);
    running.push(platform);
    const body = (await (await fetch(`${platform.url}/healthz`)).json()) as HealthBody;
    assert.equal(body.status, 'ok');
    assert.equal(body.components.llm?.adapter, 'openai');
    const metrics = await (await fetch(`${platform.url}/metrics`)).text();
    assert.match(metrics, /homelab_http_requests_total\{route="\/healthz",status="200"\} 1/);
    assert.match(metrics, /homelab_process_resident_memory_bytes/);
    const htmx = await fetch(`${platform.url}/static/htmx.min.js`);
    assert.equal(htmx.status, 200);
    assert.match(htmx.headers.get('content-type') ?? '', /javascript/);
    assert.equal((await fetch(`${platform.url}/static/../../package.json`)).status, 404);
    assert.equal((await fetch(`${platform.url}/static/nothing.js`)).status, 404);
    await llm.close();
  });

  it('answers bad socket input with a notice and keeps the socket', async () => {
    const platform = await start({ HOMELAB_BOOTSTRAP_TOKEN: TOKEN }, ['gateway']);
    running.push(platform);
    const socket = await GatewayClient.withToken(platform.url, TOKEN).socket();
    socket.send({ type: 'send', message: '   ' });
    socket.send({ nothing: true });
    const blank = await socket.next((frame) => frame.type === 'notice');
    assert.match(String(blank.message), /type a message first/);
    const unknown = await socket.next((frame) => frame.type === 'notice');
    assert.match(String(unknown.message), /Invalid input|expected/i);
    socket.close();
  });

  it('answers a frame that is not JSON with a notice', async () => {
    const platform = await start({ HOMELAB_BOOTSTRAP_TOKEN: TOKEN }, ['gateway']);
    running.push(platform);
    const socket = new WebSocket(`${platform.url.replace('http', 'ws')}/ws/chat`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const received: string[] = [];
    socket.on('message', (data: Buffer) => received.push(data.toString('utf8')));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send('not json');
    // The first frame after a start also waits for the embedded database to open (seconds).
    await eventually(() => (received.length >= 1 ? true : undefined), 'a notice', 30_000);
    assert.match(received[0] ?? '', /expects JSON/);
    assert.equal(socket.readyState, WebSocket.OPEN);
    socket.close();
  });
});

describe('the platform over NATS', () => {
  it('reports the NATS bus, and unhealthy (503) when the server goes away', async () => {
    const nats = await startNatsServer();
    const platform = await start({ NATS_URL: nats.url }, ['chat-handler']);
    try {
      const healthy = (await (await fetch(`${platform.url}/healthz`)).json()) as HealthBody;
      assert.equal(healthy.components.bus?.adapter, 'nats');
      assert.equal(healthy.components.bus?.healthy, true);
      await nats.stop();
      const response = await eventually(async () => {
        const candidate = await fetch(`${platform.url}/healthz`);
        return candidate.status === 503 ? candidate : undefined;
      }, 'an unhealthy report');
      const body = (await response.json()) as HealthBody;
      assert.equal(body.status, 'unhealthy');
      assert.equal(body.components.bus?.healthy, false);
    } finally {
      await Promise.race([platform.stop(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
    }
  });
});

describe('the platform on real store servers', () => {
  it('uses PostgreSQL, Valkey and S3 when configured, and says when PostgreSQL cannot be reached', async () => {
    const postgres = await startPostgresServer();
    const s3 = await startS3Server();
    const redis = await startRedisServer();
    const platform = await start(
      {
        DATABASE_URL: postgres.url,
        VALKEY_URL: redis.url,
        S3_ENDPOINT: s3.endpoint,
        S3_ACCESS_KEY_ID: s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
      },
      ['chat-handler'],
    );
    const unreachable = await start(
      { DATABASE_URL: `postgres://homelab:secret@127.0.0.1:${await freePort()}/homelab` },
      ['chat-handler'],
    );
    try {
      const body = await eventually(async () => {
        const report = (await (await fetch(`${platform.url}/healthz`)).json()) as HealthBody;
        return report.components.db?.healthy ? report : undefined;
      }, 'PostgreSQL migrated and healthy');
      assert.equal(body.components.db?.adapter, 'postgres');
      assert.equal(body.components.objects?.adapter, 's3');
      assert.equal(body.components.cache?.adapter, 'valkey');
      assert.equal(body.components.cache?.healthy, true);
      assert.equal(body.components.objects?.healthy, true);

      const down = await eventually(async () => {
        const report = (await (await fetch(`${unreachable.url}/healthz`)).json()) as HealthBody;
        return report.components.db?.detail.includes('cannot reach PostgreSQL')
          ? report
          : undefined;
      }, 'an unreachable-database report');
      assert.equal(down.components.db?.healthy, false);
      assert.doesNotMatch(
        down.components.db?.detail ?? '',
        /secret/,
        'no password in health output',
      );
    } finally {
      await platform.stop();
      await unreachable.stop();
      await s3.stop();
      await redis.stop();
      await postgres.stop();
    }
  });
});
