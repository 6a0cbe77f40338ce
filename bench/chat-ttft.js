// Platform overhead on time to first token: from a chat message sent on the browser socket to
// the first token arriving on that socket, minus the LLM server's own time to first token
// (a loopback OpenAI-compatible server in its own process, 20 ms to first token). That time is
// asked directly from the server between the turns of one session, and each turn's is
// corrected by how late the server says its own first token was (the stamp on it): under load
// the loopback server, on the same two cores, is itself late, and that is not the platform's.
// RAG on: every question searches a collection (BM25 + vectors from an instant loopback
// embedder in its own process). The clients run in their own process, as browsers do. 1, 16
// and 64 concurrent sessions; the platform's memory per open session.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loadConfig } from '@homelab-ai/config';
import { generateMarkdown } from '@homelab-ai/knowledge/testing';
import { createSilentLogger } from '@homelab-ai/observability';
import { createPlatform, startRoles } from '@homelab-ai/platform';
import { onCleanup } from './cleanup.js';
import { median, percentile } from './stats.js';

const TOKEN = 'hlai_bench_bootstrap_token_0123456789abcdef';
const LLM_FIRST_TOKEN_MS = 20;
/** Rounds of 16 sessions × 10 turns (then 1 × 50) that bring the platform to steady state. */
const WARM_UP_ROUNDS = 20;

async function startChildServer(script, args = []) {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  onCleanup(() => child.kill('SIGTERM'));
  const [line] = await once(child.stdout, 'data');
  return String(line).trim();
}

async function api(base, path, init = {}) {
  const response = await fetch(`${base}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${path}: ${JSON.stringify(json)}`);
  return json;
}

const CLIENTS = new URL('./chat-clients-process.js', import.meta.url).pathname;

/**
 * Browser-like clients in their own process, one process for every run of the benchmark (its
 * code warm for the measured runs, as a browser's is). `run` resolves with ms to the first
 * chunk of each turn, and with an llmUrl the LLM server's own time to first token, asked
 * directly between the turns. `turns` counts the chat turns the platform has served so far,
 * each session's unmeasured first turn included.
 */
function startClients(base) {
  const child = spawn(process.execPath, [CLIENTS, base, TOKEN, 'serve', 'bench'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onCleanup(() => child.kill('SIGTERM'));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`chat clients exited with ${code}`);
  });
  exited.catch(() => {});
  return {
    turns: 0,
    async run(sessions, turnsEach, llmUrl) {
      child.stdin.write(`${sessions} ${turnsEach} ${llmUrl ?? ''}\n`);
      const line = await Promise.race([lines.next(), exited]);
      this.turns += sessions * (turnsEach + 1); // with each session's first turn, which creates it
      return JSON.parse(line.value);
    },
    stop: () => child.stdin.end(),
  };
}

/**
 * CPU time so far in ms: the platform's main thread (Linux only: its event loop, where the
 * gateway and the handler run) and the whole process (workers and GC threads too).
 */
function cpuNow() {
  let mainThread;
  try {
    const fields = readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ');
    mainThread = ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks
  } catch {
    mainThread = undefined;
  }
  const { user, system } = process.cpuUsage();
  return { mainThread, process: (user + system) / 1000 };
}

/** Runs a level's turns and measures the platform's CPU time spent per turn meanwhile. */
async function measuredTurns(clients, sessions, turnsEach, llmUrl) {
  const before = cpuNow();
  const turnsBefore = clients.turns;
  const result = await clients.run(sessions, turnsEach, llmUrl);
  const after = cpuNow();
  const turns = clients.turns - turnsBefore;
  const perTurn = (field) =>
    before[field] === undefined ? undefined : (after[field] - before[field]) / turns;
  return {
    ...result,
    turns: [turnsBefore + 1, clients.turns],
    cpu: { mainThread: perTurn('mainThread'), process: perTurn('process') },
  };
}

/** Unmeasured rounds of 16 sessions × 10 turns, then 1 × 50. */
async function warmUp(clients, rounds) {
  for (let round = 0; round < rounds; round++) await clients.run(16, 10);
  await clients.run(1, 50);
}

/** The server's stamp, which the bench cannot do without. */
function lateness(sample) {
  if (sample.late === undefined) throw new Error('the loopback LLM stamped no lateness');
  return sample.late;
}

/**
 * A level's overhead per turn: ms to the first chunk minus the LLM's time to first token asked
 * directly (`llm.ms`), corrected by how much later (or earlier) than then the server's own first
 * token was for this turn. `uncorrectedP99` takes off `llm.ms` alone, as this bench did before.
 */
function overhead(sessions, measured, llm) {
  const sorted = (values) => values.sort((a, b) => a - b);
  const samples = sorted(
    measured.samples.map((sample) => sample.ms - llm.ms - (lateness(sample) - llm.late)),
  );
  const uncorrected = sorted(measured.samples.map((sample) => sample.ms - llm.ms));
  const late = sorted(measured.samples.map(lateness));
  return {
    sessions,
    p50: percentile(samples, 0.5),
    p99: percentile(samples, 0.99),
    n: samples.length,
    uncorrectedP99: percentile(uncorrected, 0.99),
    llmLate: { p50: percentile(late, 0.5), p99: percentile(late, 0.99) },
    cpuMsPerTurn: measured.cpu,
  };
}

/** A full garbage collection, so that memory figures count what is kept, not what is garbage. */
function collectGarbage() {
  v8.setFlagsFromString('--expose-gc');
  runInNewContext('gc')();
}

/**
 * The platform's resident memory added per open chat socket, after a full collection; the
 * clients hold their sockets from their own process. RSS moves in pages, so it is rough.
 */
async function memoryPerSession(base, count) {
  const kept = () => {
    collectGarbage();
    const { rss, heapUsed, external } = process.memoryUsage();
    return { rss, heap: heapUsed + external };
  };
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // the last turns settle
  const before = kept();
  const child = spawn(process.execPath, [CLIENTS, base, TOKEN, 'hold', String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  onCleanup(() => child.kill('SIGTERM'));
  await once(child.stdout, 'data');
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = kept();
  child.stdin.end();
  await once(child, 'exit');
  await new Promise((resolve) => setTimeout(resolve, 500));
  // Against the mean of before opening and after closing: what the platform frees meanwhile
  // (caches expiring, buffers) is not counted against the sockets.
  const closed = kept();
  const perSocketKb = (field) =>
    (after[field] - (before[field] + closed[field]) / 2) / count / 1024;
  return { rssKb: perSocketKb('rss'), heapKb: perSocketKb('heap') };
}

/** Sessions and turns each, e.g. `BENCH_CHAT_LEVELS=1:200,16:15` (default 1:300,16:40,64:10). */
function chatLevels() {
  const spec = process.env.BENCH_CHAT_LEVELS ?? '1:300,16:40,64:10';
  return spec.split(',').map((level) => level.split(':').map(Number));
}

export async function benchChatTtft() {
  const [llmUrl, embeddingsUrl] = await Promise.all([
    startChildServer('./loopback-llm-process.js', [String(LLM_FIRST_TOKEN_MS)]),
    startChildServer('./loopback-embedder-process.js'),
  ]);
  const config = loadConfig({
    PORT: '0',
    HOMELAB_DATA_DIR: await mkdtemp(join(tmpdir(), 'homelab-bench-chat-')),
    LOG_LEVEL: 'silent',
    HOMELAB_BOOTSTRAP_TOKEN: TOKEN,
    HOMELAB_ADMIN_PASSWORD: 'bench-admin-password-1234',
    LLM_BASE_URL: llmUrl,
    EMBEDDINGS_URL: embeddingsUrl,
  });
  const platform = await createPlatform(config, { logger: createSilentLogger() });
  const roles = await startRoles(platform, ['gateway', 'chat-handler', 'pipeline-bridge']);
  onCleanup(() => roles.stop());
  const base = roles.url;

  await api(base, '/api/collections', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  const form = new FormData();
  form.append('file', new Blob([generateMarkdown(100_000)]), 'falcons.md');
  const accepted = await api(base, '/api/collections/bench/documents', {
    method: 'POST',
    body: form,
  });
  for (;;) {
    const document = await api(base, `/api/documents/${accepted.document_id}`);
    if (document.status === 'indexed') break;
    if (document.status === 'failed') throw new Error(`bench document failed: ${document.error}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  // Just after start, V8 is still compiling the chat path: through the first few thousand
  // turns it optimizes a hundred functions a second or more, on the same two cores. One
  // 16-session level is measured then, after a short warm-up, and reported as its own row.
  const clients = startClients(base);
  await warmUp(clients, 1);
  const justStarted = await measuredTurns(clients, 16, 40);
  // Then warm up, unmeasured, as the ingestion benchmark does, until the platform is steady
  // (its compiling settled, its caches filled): the levels measure a platform that has served
  // a few thousand turns.
  await warmUp(clients, WARM_UP_ROUNDS);
  const warmUpTurns = clients.turns - justStarted.turns[1];

  // The LLM's own time to first token is asked straight from the server between the turns of
  // one session, so that it is measured in the same conditions; every level subtracts it, each
  // turn corrected by the server's own lateness then.
  const [first, ...rest] = chatLevels();
  const baseline = await measuredTurns(
    clients,
    1,
    Math.max(first[0] === 1 ? first[1] : 0, 50),
    llmUrl,
  );
  const llm = {
    ms: median(baseline.direct.map((sample) => sample.ms)),
    late: median(baseline.direct.map(lateness)),
  };
  const levels = [];
  for (const [sessions, turnsEach] of first[0] === 1 ? rest : [first, ...rest]) {
    levels.push(overhead(sessions, await measuredTurns(clients, sessions, turnsEach), llm));
  }
  clients.stop();
  if (first[0] === 1) levels.unshift(overhead(1, baseline, llm));
  const justStartedLevel = {
    ...overhead(16, justStarted, llm),
    turns: justStarted.turns,
    warmUpTurnsAfter: warmUpTurns,
  };
  const memoryPerSocket = process.env.BENCH_CHAT_LEVELS
    ? undefined
    : await memoryPerSession(base, 800);
  return { llmFirstTokenMs: llm.ms, justStarted: justStartedLevel, levels, memoryPerSocket };
}

const ms = (value) => `${value.toFixed(1)} ms`;
const cpu = ({ cpuMsPerTurn: { mainThread, process } }) =>
  `; platform CPU per turn ${mainThread === undefined ? '' : `${ms(mainThread)} main thread, `}${ms(process)} in all`;
/** A level's percentiles, with what the LLM server's own lateness was and the p99 with it. */
const figures = ({ p50, p99, llmLate, uncorrectedP99, ...level }) =>
  `p50 ${ms(p50)} / p99 ${ms(p99)} (LLM server late by p50 ${ms(llmLate.p50)} / ` +
  `p99 ${ms(llmLate.p99)}; p99 ${ms(uncorrectedP99)} with it)${cpu(level)}`;

export function chatTtftRows(result) {
  if (!result) return [];
  const at = (sessions) => result.levels.find((level) => level.sessions === sessions);
  const one = at(1);
  const sixteen = at(16);
  const sixtyFour = at(64);
  const { turns, warmUpTurnsAfter } = result.justStarted;
  const justStarted = {
    figure: `Chat TTFT overhead, 16 sessions, just after start (its turns ${turns[0]}–${turns[1]}; V8 still compiling)`,
    measured: figures(result.justStarted),
    target: `— (the other levels come after ${warmUpTurnsAfter} more turns)`,
  };
  if (!one || !sixteen || !sixtyFour)
    return [
      ...result.levels.map((level) => ({
        figure: `Chat TTFT overhead, ${level.sessions} sessions (LLM itself ${ms(result.llmFirstTokenMs)})`,
        measured: figures(level),
        target: 'partial run (BENCH_CHAT_LEVELS)',
      })),
      justStarted,
    ];
  return [
    {
      figure: `Chat TTFT overhead, 1 session, RAG on (LLM itself ${ms(result.llmFirstTokenMs)})`,
      measured: figures(one),
      target: 'p50 ≤ 5 / p99 ≤ 15 ms (AnythingLLM 24.6 / 41.9)',
      pass: one.p50 <= 5 && one.p99 <= 15,
    },
    {
      figure: 'Chat TTFT overhead, 16 sessions',
      measured: figures(sixteen),
      target: 'p99 ≤ 50 ms (AnythingLLM 269 / 454)',
      pass: sixteen.p99 <= 50,
    },
    {
      figure: 'Chat TTFT overhead, 64 sessions',
      measured: figures(sixtyFour),
      target: '—',
    },
    justStarted,
    ...(result.memoryPerSocket
      ? [
          {
            figure: "Memory per open chat socket (the platform's side)",
            measured: `${result.memoryPerSocket.heapKb.toFixed(1)} KB of JS heap, ${result.memoryPerSocket.rssKb.toFixed(1)} KB of RSS`,
            target: '—',
          },
        ]
      : []),
  ];
}
