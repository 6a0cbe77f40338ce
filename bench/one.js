// `node bench/one.js <name>`: one benchmark alone, in this process, printed as rows, for work on
// a single figure. `--result-to <file>` writes its raw result as JSON instead: `npm run bench`
// (run.js) runs each benchmark so, in a fresh process, so that none inherits the previous
// one's leftovers (a platform's workers and timers, a loaded model, a grown heap).
import { writeFile } from 'node:fs/promises';
import { startNatsServer } from '@homelab-ai/testkit';
import { benchMemoryBus } from './bus-memory.js';
import { benchNatsBus } from './bus-nats.js';
import { cleanupAll, onCleanup } from './cleanup.js';
import { benchChatTtft, chatTtftRows } from './chat-ttft.js';
import { benchEmbeddedModels } from './embedded-models.js';
import { benchHybridRetrieval, hybridRows } from './hybrid-retrieval.js';
import { benchIngestion, ingestionRows } from './ingestion.js';
import { benchModelAdapters } from './model-adapters.js';
import { benchStartup } from './startup.js';

async function natsBus() {
  const nats = await startNatsServer();
  onCleanup(() => nats.stop());
  return benchNatsBus(nats.url);
}

/** Each benchmark, and the rows it prints on its own (the others are printed by run.js). */
export const BENCHES = {
  natsBus: { run: natsBus },
  memoryBus: { run: benchMemoryBus },
  modelAdapters: { run: () => benchModelAdapters() },
  embeddedModels: { run: benchEmbeddedModels },
  ingestion: { run: benchIngestion, rows: ingestionRows },
  chat: { run: benchChatTtft, rows: chatTtftRows },
  hybrid: { run: () => benchHybridRetrieval(), rows: hybridRows },
  startup: { run: () => benchStartup(5) },
};

const [name = '', flag, resultFile] = process.argv.slice(2);
const chosen = BENCHES[name];
const toFile = flag === '--result-to' && resultFile;
if (!chosen || (!chosen.rows && !toFile)) {
  const printable = Object.keys(BENCHES).filter((key) => BENCHES[key]?.rows);
  process.stderr.write(
    `usage: node bench/one.js <${printable.join('|')}>\n` +
      `       node bench/one.js <${Object.keys(BENCHES).join('|')}> --result-to <file>\n`,
  );
  process.exit(2);
}
try {
  const result = await chosen.run();
  if (toFile) await writeFile(resultFile, JSON.stringify(result));
  else {
    for (const row of chosen.rows(result)) {
      const verdict = row.pass === undefined ? '' : row.pass ? '  PASS' : '  FAIL';
      process.stdout.write(`${row.figure}: ${row.measured}  [${row.target}]${verdict}\n`);
    }
  }
} finally {
  await cleanupAll();
}
