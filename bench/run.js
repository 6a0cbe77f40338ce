// `npm run bench`: the platform's benchmarks, printed as a table and saved to bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { startNatsServer } from '@homelab-ai/testkit';
import { benchMemoryBus } from './bus-memory.js';
import { benchNatsBus } from './bus-nats.js';
import { benchStartup } from './startup.js';

const mark = (ok) => (ok ? 'PASS' : 'FAIL');
const us = (value) => `${value.toFixed(1)} µs`;

const nats = await startNatsServer();
let results;
try {
  process.stdout.write('bus over NATS (ours vs raw nats.js)…\n');
  const natsBus = await benchNatsBus(nats.url);
  process.stdout.write('embedded bus…\n');
  const memoryBus = await benchMemoryBus();
  process.stdout.write('homelab-ai up…\n');
  const startup = await benchStartup();
  results = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
    natsBus,
    memoryBus,
    startup,
  };
} finally {
  await nats.stop();
}

const { natsBus, memoryBus, startup } = results;
const p50Ratio = natsBus.requestReply.ours.p50 / natsBus.requestReply.raw.p50;
const throughputRatio = natsBus.publish.ours / natsBus.publish.raw;
const rows = [
  [
    'NATS request/reply p50',
    `${us(natsBus.requestReply.ours.p50)} vs raw ${us(natsBus.requestReply.raw.p50)}`,
    `${p50Ratio.toFixed(2)}× (≤ 1.1×)`,
    mark(p50Ratio <= 1.1),
  ],
  [
    'NATS request/reply p99',
    `${us(natsBus.requestReply.ours.p99)} vs raw ${us(natsBus.requestReply.raw.p99)}`,
    `${(natsBus.requestReply.ours.p99 / natsBus.requestReply.raw.p99).toFixed(2)}×`,
    '',
  ],
  [
    'NATS publish back-to-back, delivered',
    `${Math.round(natsBus.publish.ours).toLocaleString('en')} vs raw ${Math.round(natsBus.publish.raw).toLocaleString('en')} msg/s`,
    `${throughputRatio.toFixed(2)}× (≥ 0.9×)`,
    mark(throughputRatio >= 0.9),
  ],
  [
    'NATS publish, awaited each',
    `${Math.round(natsBus.publishAwaited.ours).toLocaleString('en')} vs raw ${Math.round(natsBus.publishAwaited.raw).toLocaleString('en')} msg/s`,
    `${(natsBus.publishAwaited.ours / natsBus.publishAwaited.raw).toFixed(2)}× (≥ 0.9×)`,
    mark(natsBus.publishAwaited.ours / natsBus.publishAwaited.raw >= 0.9),
  ],
  [
    'Embedded bus request/reply',
    `p50 ${us(memoryBus.p50)}, p99 ${us(memoryBus.p99)}`,
    '< 50 µs p50',
    mark(memoryBus.p50 < 50),
  ],
  [
    '`homelab-ai up` to healthy',
    `${Math.round(startup.readyMs)} ms`,
    '< 1 s',
    mark(startup.readyMs < 1_000),
  ],
  [
    'RSS when healthy / idle 1 s',
    `${startup.rssReadyMb.toFixed(0)} / ${startup.rssIdleMb.toFixed(0)} MB`,
    '< 150 MB',
    mark(Math.max(startup.rssReadyMb, startup.rssIdleMb) < 150),
  ],
  [
    'Clean exits on SIGTERM',
    `${startup.cleanExits}/${startup.runs}`,
    'all',
    mark(startup.cleanExits === startup.runs),
  ],
];
process.stdout.write(
  `\n${results.machine}, Node ${results.node}\n\n| Benchmark | Measured | Target | |\n|---|---|---|---|\n`,
);
for (const row of rows) process.stdout.write(`| ${row.join(' | ')} |\n`);
await mkdir(new URL('./results/', import.meta.url), { recursive: true });
await writeFile(
  new URL('./results/latest.json', import.meta.url),
  `${JSON.stringify(results, null, 2)}\n`,
);
