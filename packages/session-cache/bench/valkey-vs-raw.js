// Our Valkey SessionCache vs the same commands sent with raw iovalkey, against one real server,
// in alternating rounds. Same data, same command shape (LRANGE; MULTI RPUSH LTRIM PEXPIRE),
// same JSON (de)serialisation: the difference is what the adapter adds (validation, keys,
// error wrapping). Run alone (starts its own redis-server):
//   npx tsc -b packages/session-cache && node packages/session-cache/bench/valkey-vs-raw.js
import { pathToFileURL } from 'node:url';
import { Valkey } from 'iovalkey';
import { createValkeySessionCache } from '@homelab-ai/session-cache/valkey';

const ROUNDS = 8;
const OPS_PER_ROUND = 2_000;
/** Calls in flight at once, as several chat turns of one handler would have. */
const IN_FLIGHT = 8;
const SESSIONS = 64;
const HISTORY_LENGTH = 20;
const TTL_MS = 3_600_000;

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A chat turn of realistic size: ~300 characters of text, a request id, a timestamp. */
function turn(index, role) {
  return {
    role,
    content: `${role} turn ${index}: ${'Lorem ipsum dolor sit amet, consectetur adipiscing. '.repeat(6)}`,
    request_id: `req-${index.toString(36).padStart(8, '0')}`,
    at: 1_700_000_000_000 + index,
  };
}

/** Runs `once(index)` OPS_PER_ROUND times with IN_FLIGHT at once; returns ops per second. */
async function opsPerSecond(once) {
  let next = 0;
  const worker = async () => {
    while (next < OPS_PER_ROUND) await once(next++);
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return OPS_PER_ROUND / ((performance.now() - started) / 1000);
}

/** Alternates which side goes first each round, so drifting machine load favours neither. */
async function compare(ours, raw) {
  await opsPerSecond(ours); // warm-up: connections, JIT
  await opsPerSecond(raw);
  const rates = { ours: [], raw: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['ours', 'raw'] : ['raw', 'ours'];
    for (const side of order) rates[side].push(await opsPerSecond(side === 'ours' ? ours : raw));
  }
  const oursRate = median(rates.ours);
  const rawRate = median(rates.raw);
  return {
    ours: Math.round(oursRate),
    raw: Math.round(rawRate),
    ratio: Number((oursRate / rawRate).toFixed(3)),
    rounds: { ours: rates.ours.map(Math.round), raw: rates.raw.map(Math.round) },
  };
}

/**
 * Measures getHistory and appendHistory (ops/s, ours vs raw iovalkey) against `redisUrl`.
 * Writes under the `bench:` prefix and deletes it afterwards.
 */
export async function benchSessionCache(redisUrl) {
  const cache = createValkeySessionCache({ url: redisUrl, keyPrefix: 'bench:ours:' });
  const client = new Valkey(redisUrl);
  const rawKey = (session) => `bench:raw:history:${session}`;
  const sessions = Array.from({ length: SESSIONS }, (_, index) => `bench-session-${index}`);
  const history = Array.from({ length: HISTORY_LENGTH }, (_, index) =>
    turn(index, index % 2 ? 'assistant' : 'user'),
  );
  const options = { maxEntries: HISTORY_LENGTH, ttlMs: TTL_MS };
  try {
    for (const session of sessions) {
      await cache.appendHistory(session, history, options);
      await client
        .multi()
        .rpush(rawKey(session), ...history.map((entry) => JSON.stringify(entry)))
        .ltrim(rawKey(session), -HISTORY_LENGTH, -1)
        .pexpire(rawKey(session), TTL_MS)
        .exec();
    }
    const ourHistory = await cache.getHistory(sessions[0]);
    const rawHistory = (await client.lrange(rawKey(sessions[0]), 0, -1)).map((t) => JSON.parse(t));
    if (JSON.stringify(ourHistory) !== JSON.stringify(rawHistory) || rawHistory.length !== 20)
      throw new Error('ours and raw do not hold the same history');

    const get = await compare(
      (index) => cache.getHistory(sessions[index % SESSIONS]),
      async (index) =>
        (await client.lrange(rawKey(sessions[index % SESSIONS]), 0, -1)).map((text) =>
          JSON.parse(text),
        ),
    );

    const pair = [turn(1, 'user'), turn(2, 'assistant')];
    const append = await compare(
      (index) => cache.appendHistory(sessions[index % SESSIONS], pair, options),
      async (index) => {
        const key = rawKey(sessions[index % SESSIONS]);
        const results = await client
          .multi()
          .rpush(key, ...pair.map((entry) => JSON.stringify(entry)))
          .ltrim(key, -HISTORY_LENGTH, -1)
          .pexpire(key, TTL_MS)
          .exec();
        for (const [error] of results) if (error) throw error;
        return Math.min(results[0][1], HISTORY_LENGTH);
      },
    );
    return {
      get,
      append,
      setup: { opsPerRound: OPS_PER_ROUND, rounds: ROUNDS, inFlight: IN_FLIGHT, historyLength: 20 },
    };
  } finally {
    const keys = await client.keys('bench:*').catch(() => []);
    if (keys.length > 0) await client.del(...keys).catch(() => undefined);
    await Promise.allSettled([cache.close(), client.quit()]);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { startRedisServer } = await import('@homelab-ai/testkit');
  const server = await startRedisServer();
  try {
    const results = await benchSessionCache(server.url);
    for (const name of ['get', 'append']) {
      const { ours, raw, ratio } = results[name];
      process.stdout.write(
        `${name.padEnd(7)} ours ${ours} ops/s, raw ${raw} ops/s, ratio ${ratio}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    await server.stop();
  }
}
