// `npm run bench`: the platform's benchmarks, printed as a table and saved to bench/results/.
// Each benchmark runs in a fresh process of its own (`one.js --result-to`), one after another.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCHES } from './benches.js';
import { checks, table } from './report.js';

/** Runs one benchmark in a fresh process and returns its result. */
async function runAlone(name, directory) {
  const file = join(directory, `${name}.json`);
  const child = spawn(
    process.execPath,
    [new URL('./one.js', import.meta.url).pathname, name, '--result-to', file],
    { stdio: 'inherit' },
  );
  const [code, signal] = await once(child, 'exit');
  if (code !== 0) throw new Error(`benchmark ${name} failed (${signal ?? `exit ${code}`})`);
  return JSON.parse(await readFile(file, 'utf8'));
}

const began = performance.now();
const directory = await mkdtemp(join(tmpdir(), 'homelab-bench-'));
const measured = {};
try {
  for (const [name, { what }] of Object.entries(BENCHES)) {
    process.stdout.write(`${what}…\n`);
    measured[name] = await runAlone(name, directory);
  }
} finally {
  await rm(directory, { recursive: true, force: true });
}
const results = {
  date: new Date().toISOString(),
  machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
  node: process.version,
  loadAverage1m: loadavg()[0],
  natsBus: measured.natsBus,
  memoryBus: measured.memoryBus,
  startup: measured.startup,
  modelAdapters: measured.modelAdapters,
  embeddedModels: measured.embeddedModels,
  ingestionResult: measured.ingestion,
  hybrid: measured.hybrid,
  chat: measured.chat,
  ingestion: ['ingestion', 'hybrid', 'chat'].flatMap((name) => BENCHES[name].rows(measured[name])),
};

results.checks = checks(results);
results.durationS = (performance.now() - began) / 1000;
process.stdout.write(
  `\n${results.machine}, Node ${results.node}, load ${results.loadAverage1m.toFixed(2)}, ` +
    `${results.durationS.toFixed(0)} s\n\n${table(results.checks)}\n`,
);
const file = new URL('./results/latest.json', import.meta.url);
await mkdir(new URL('./', file), { recursive: true });
await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\nsaved ${file.pathname}\n`);
