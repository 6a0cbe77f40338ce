#!/usr/bin/env node
// Runs every compiled test file (packages/*/dist/**/*.test.js) with Node's test runner.
// `npm test` builds first (pretest); pass paths or name fragments to run a subset.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

function findTests(directory) {
  const found = [];
  for (const entry of readdirSync(directory)) {
    const path = join(directory, entry);
    if (entry === 'node_modules') continue;
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (entry.endsWith('.test.js')) found.push(path);
  }
  return found;
}

const packages = readdirSync('packages').map((name) => join('packages', name, 'dist'));
const all = packages
  .filter((dist) => {
    try {
      return statSync(dist).isDirectory();
    } catch {
      return false;
    }
  })
  .flatMap(findTests)
  .sort();
const filters = process.argv.slice(2);
const matching = filters.length
  ? all.filter((file) => filters.some((filter) => file.includes(filter)))
  : all;
// A suite against a server that cannot run here (Milvus, MinIO, …) starts with
// `// requires-env: NAME`; without NAME set it is left out and said so, never counted as passing.
const selected = matching.filter((file) => {
  const marker = /^\/\/ requires-env: (\w+)/m.exec(readFileSync(file, 'utf8').slice(0, 500));
  if (!marker || process.env[marker[1]]) return true;
  console.log(`not run: ${file} (set ${marker[1]} to run it against a real server)`);
  return false;
});
if (selected.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--test', '--test-timeout=180000', '--test-concurrency=2', ...selected],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
