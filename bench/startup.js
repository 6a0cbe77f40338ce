// `homelab-ai up` to healthy: wall time from spawn to the first HTTP 200 on /healthz, and RSS.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@homelab-ai/testkit';
import { onCleanup } from './cleanup.js';
import { median, sleep, within } from './stats.js';

const CLI = fileURLToPath(new URL('../packages/cli/bin/homelab-ai.js', import.meta.url));
const HEALTHY_WITHIN_MS = 15_000;
const EXIT_WITHIN_MS = 10_000;

async function rssMb(pid) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)[1]) / 1024;
}

/** True when GET /healthz answers 200; false when refused, failing or slow. */
function healthy(port) {
  return new Promise((resolve) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    request.setTimeout(1_000, () => request.destroy());
    request.once('error', () => resolve(false));
  });
}

async function once() {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'homelab-bench-'));
  // A clean environment: no LLM, no NATS_URL, no DATABASE_URL — the embedded defaults.
  const env = {
    PATH: process.env.PATH,
    HOME: dataDir,
    PORT: String(port),
    HOMELAB_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
  };
  const start = performance.now();
  const child = spawn(process.execPath, [CLI, 'up'], {
    cwd: dataDir,
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2_000)));
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  const forget = onCleanup(stop);
  let early;
  void exited.then((value) => (early = value));
  try {
    while (!(await healthy(port))) {
      if (early) throw new Error(`homelab-ai up exited (${early.code ?? early.signal}): ${stderr}`);
      if (performance.now() - start > HEALTHY_WITHIN_MS)
        throw new Error(`homelab-ai up not healthy within ${HEALTHY_WITHIN_MS} ms: ${stderr}`);
      await sleep(10);
    }
    const readyMs = performance.now() - start;
    const rssReadyMb = await rssMb(child.pid);
    await sleep(1_000);
    const rssIdleMb = await rssMb(child.pid);
    const stopAt = performance.now();
    child.kill('SIGTERM');
    const exit = await within(EXIT_WITHIN_MS, 'exit', exited).catch(() => undefined);
    return {
      readyMs,
      rssReadyMb,
      rssIdleMb,
      exitMs: exit ? exit.at - stopAt : NaN,
      exitCode: exit ? (exit.code ?? exit.signal) : `still running after ${EXIT_WITHIN_MS} ms`,
    };
  } finally {
    forget();
    await stop();
  }
}

export async function benchStartup(runs = 5) {
  const results = [];
  for (let run = 0; run < runs; run++) results.push(await once());
  const pick = (key) => median(results.map((result) => result[key]));
  return {
    readyMs: pick('readyMs'),
    rssReadyMb: pick('rssReadyMb'),
    rssIdleMb: pick('rssIdleMb'),
    exitMs: pick('exitMs'),
    cleanExits: results.filter((result) => result.exitCode === 0).length,
    runs: results,
  };
}
