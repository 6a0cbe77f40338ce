// `node bench/one.js <chat|ingestion|hybrid>`: one benchmark alone, printed as JSON, for work
// on a single figure. `npm run bench` runs them all and checks the targets.
import { cleanupAll } from './cleanup.js';
import { benchChatTtft, chatTtftRows } from './chat-ttft.js';
import { benchHybridRetrieval, hybridRows } from './hybrid-retrieval.js';
import { benchIngestion, ingestionRows } from './ingestion.js';

const benches = {
  chat: [benchChatTtft, chatTtftRows],
  ingestion: [benchIngestion, ingestionRows],
  hybrid: [benchHybridRetrieval, hybridRows],
};
const name = process.argv[2] ?? '';
const chosen = benches[name];
if (!chosen) {
  process.stderr.write(`usage: node bench/one.js <${Object.keys(benches).join('|')}>\n`);
  process.exit(2);
}
try {
  const [run, rows] = chosen;
  const result = await run();
  for (const row of rows(result)) {
    const verdict = row.pass === undefined ? '' : row.pass ? '  PASS' : '  FAIL';
    process.stdout.write(`${row.figure}: ${row.measured}  [${row.target}]${verdict}\n`);
  }
} finally {
  await cleanupAll();
}
