/** The command line as a user meets it: help, health, and clear refusals. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freePort } from '@homelab-ai/testkit';
import { spawnCli } from '../testing/spawn-cli.js';

describe('homelab-ai command line', () => {
  it('prints help for every command', async () => {
    for (const args of [['--help'], ['up', '--help'], ['serve', '--help'], ['health', '--help']]) {
      const cli = spawnCli(args, {});
      assert.deepEqual(await cli.exited, { code: 0, signal: null });
      assert.match(cli.output(), /Usage: homelab-ai/);
    }
  });

  it('reports health of a running platform, and exits 1 when nothing answers', async () => {
    const platform = spawnCli(['up'], { PORT: '0' });
    try {
      const [, url] = await platform.waitFor(/Homelab AI is up at http:\/\/127\.0\.0\.1:(\d+)/);
      const port = Number(url);
      const health = spawnCli(['health'], { PORT: String(port) });
      assert.equal((await health.exited).code, 0, health.output());
      assert.match(health.output(), /status: degraded/);
      assert.match(health.output(), /ok +bus +memory/);
      assert.match(health.output(), /NOT llm +none .*LLM_BASE_URL/);
      const strict = spawnCli(['health', '--strict', '--url', `http://127.0.0.1:${port}`], {});
      assert.equal((await strict.exited).code, 1, 'degraded fails --strict');
    } finally {
      await platform.kill();
    }
    const unreachable = spawnCli(['health', '--url', `http://127.0.0.1:${await freePort()}`], {});
    assert.equal((await unreachable.exited).code, 1);
    assert.match(unreachable.output(), /no answer from/);
  });

  it('refuses a bad configuration value at startup, naming the variable', async () => {
    const cli = spawnCli(['up'], { PORT: 'eighty', LLM_BASE_URL: 'not a url' });
    assert.equal((await cli.exited).code, 2);
    assert.match(cli.output(), /PORT: /);
    assert.match(cli.output(), /LLM_BASE_URL: must be a URL/);
  });

  it('says which port is busy instead of crashing', async () => {
    const first = spawnCli(['up'], { PORT: '0' });
    try {
      const [, port = ''] = await first.waitFor(/Homelab AI is up at http:\/\/127\.0\.0\.1:(\d+)/);
      const second = spawnCli(['up'], { PORT: port });
      assert.equal((await second.exited).code, 2);
      assert.match(second.output(), /PORT: cannot listen on 127\.0\.0\.1:\d+ \(already in use\)/);
    } finally {
      await first.kill();
    }
  });

  it('refuses to serve a single role without a shared bus, saying what to set', async () => {
    const cli = spawnCli(['serve', 'chat-handler'], {});
    assert.equal((await cli.exited).code, 2);
    assert.match(cli.output(), /set NATS_URL/);
    const unknownRole = spawnCli(['serve', 'toaster'], { NATS_URL: 'nats://127.0.0.1:1' });
    assert.notEqual((await unknownRole.exited).code, 0);
    assert.match(
      unknownRole.output(),
      /Allowed choices are gateway, chat-handler, voice-assistant, pipeline-bridge/,
    );
  });
});
