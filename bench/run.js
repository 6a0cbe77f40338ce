// `npm run bench`: the platform's benchmarks, printed as a table and saved to bench/results/.
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { startNatsServer } from '@homelab-ai/testkit';
import { benchMemoryBus } from './bus-memory.js';
import { benchNatsBus } from './bus-nats.js';
import { cleanupAll, onCleanup } from './cleanup.js';
import { checks, table } from './report.js';
import { benchStartup } from './startup.js';
import { benchModelAdapters } from './model-adapters.js';
import { benchEmbeddedModels } from './embedded-models.js';
import { benchIngestion, ingestionRows } from './ingestion.js';
import { benchHybridRetrieval, hybridRows } from './hybrid-retrieval.js';
import { benchChatTtft, chatTtftRows } from './chat-ttft.js';

const step = (what) => process.stdout.write(`${what}…\n`);
const began = performance.now();
let results;
try {
  const nats = await startNatsServer();
  onCleanup(() => nats.stop());
  step(`bus over NATS, ours vs raw nats.js (nats-server at ${nats.url})`);
  const natsBus = await benchNatsBus(nats.url);
  step('embedded bus');
  const memoryBus = await benchMemoryBus();
  step('remote model adapters vs raw fetch, loopback servers');
  const modelAdapters = await benchModelAdapters();
  step('embedded speech and embedding engines');
  const embeddedModels = await benchEmbeddedModels();
  step('ingestion: upload → searchable, through the whole platform');
  const ingestionResult = await benchIngestion();
  step('chat: time to first token through the platform, 1/16/64 sessions, RAG on');
  const chat = await benchChatTtft();
  step('hybrid retrieval over 100k chunks (builds the index first, about a minute)');
  const hybrid = await benchHybridRetrieval();
  step('homelab-ai up, 5 runs');
  const startup = await benchStartup(5);
  results = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`,
    node: process.version,
    loadAverage1m: loadavg()[0],
    natsBus,
    memoryBus,
    startup,
    modelAdapters,
    embeddedModels,
    ingestionResult,
    hybrid,
    chat,
    ingestion: [...ingestionRows(ingestionResult), ...hybridRows(hybrid), ...chatTtftRows(chat)],
  };
} finally {
  await cleanupAll();
}

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
