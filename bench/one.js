// `node bench/one.js <name>`: one benchmark alone, in this process, printed as rows, for work on
// a single figure. `--result-to <file>` writes its raw result as JSON instead: `npm run bench`
// (run.js) runs each benchmark so, in a fresh process, so that none inherits the previous
// one's leftovers (a platform's workers and timers, a loaded model, a grown heap).
import { writeFile } from 'node:fs/promises';
import { BENCHES } from './benches.js';
import { cleanupAll } from './cleanup.js';

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
