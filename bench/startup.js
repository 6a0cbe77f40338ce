// `homelab-ai up` to healthy: wall time from spawn to the first HTTP 200 on /healthz, and RSS.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@homelab-ai/testkit';
import { median } from './stats.js';

const CLI = new URL('../packages/cli/bin/homelab-ai.js', import.meta.url).pathname;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

async function once() {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-bench-'));
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, 'up'], {
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      HOMELAB_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  try {
    for (;;) {
      if (performance.now() - start > 15_000)
        throw new Error('homelab-ai up was not healthy within 15 s');
      const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.status === 200,
        () => false,
      );
      if (ok) break;
      await sleep(10);
    }
    const readyMs = performance.now() - start;
    const rssReady = await rssMb(child.pid);
    await sleep(1_000);
    const rssIdle = await rssMb(child.pid);
    child.kill('SIGTERM');
    const exit = await exited;
    return { readyMs, rssReady, rssIdle, cleanExit: exit.code === 0 };
  } finally {
    child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  }
}

export async function benchStartup(runs = 5) {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await once());
  return {
    readyMs: median(results.map((r) => r.readyMs)),
    rssReadyMb: median(results.map((r) => r.rssReady)),
    rssIdleMb: median(results.map((r) => r.rssIdle)),
    cleanExits: results.filter((r) => r.cleanExit).length,
    runs,
  };
}
