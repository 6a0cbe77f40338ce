// Our Bus port on NATS vs raw nats.js, against one real nats-server, in alternating rounds.
import { createNatsBus } from '@homelab-ai/bus';
import { connect } from '@nats-io/transport-node';
import { median, summarize, timeEach } from './stats.js';

const ROUNDS = 5;
const REQUESTS_PER_ROUND = 1_000;
const MESSAGES_PER_ROUND = 40_000;
const requestPayload = new Uint8Array(64).fill(7);
const publishPayload = new Uint8Array(128).fill(9);

async function ourRequestReply(url) {
  const requester = await createNatsBus({ url, name: 'bench-ours-requester' });
  const responder = await createNatsBus({ url, name: 'bench-ours-responder' });
  await responder.subscribe('bench.ours.echo', (message) =>
    responder.publish(message.reply, message.data),
  );
  return {
    once: () => requester.request('bench.ours.echo', requestPayload, { timeoutMs: 5_000 }),
    close: async () => {
      await requester.close();
      await responder.close();
    },
  };
}

async function rawRequestReply(url) {
  const requester = await connect({ servers: url });
  const responder = await connect({ servers: url });
  responder.subscribe('bench.raw.echo', {
    callback: (_error, message) => message.respond(message.data),
  });
  await responder.flush();
  return {
    once: () => requester.request('bench.raw.echo', requestPayload, { timeout: 5_000 }),
    close: async () => {
      await requester.close();
      await responder.close();
    },
  };
}

async function measureRequestReply(url) {
  const sides = { ours: await ourRequestReply(url), raw: await rawRequestReply(url) };
  for (const side of Object.values(sides)) await timeEach(500, side.once); // warm-up
  const rounds = { ours: [], raw: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['raw', 'ours'] : ['ours', 'raw'];
    for (const name of order)
      rounds[name].push(summarize(await timeEach(REQUESTS_PER_ROUND, sides[name].once)));
  }
  for (const side of Object.values(sides)) await side.close();
  const result = (name) => ({
    p50: median(rounds[name].map((r) => r.p50)),
    p99: median(rounds[name].map((r) => r.p99)),
  });
  return { ours: result('ours'), raw: result('raw') };
}

/** Delivered throughput: from the first publish until a subscriber on another connection got all. */
async function deliveredRate(publish, flush, waitAll, awaitEach) {
  const start = process.hrtime.bigint();
  const all = waitAll();
  if (awaitEach) for (let index = 0; index < MESSAGES_PER_ROUND; index++) await publish();
  else for (let index = 0; index < MESSAGES_PER_ROUND; index++) void publish();
  await flush();
  await all;
  return MESSAGES_PER_ROUND / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function counter(url, subject) {
  const nc = await connect({ servers: url });
  let count = 0;
  let wake = () => undefined;
  nc.subscribe(subject, {
    callback: () => {
      if (++count >= MESSAGES_PER_ROUND) wake();
    },
  });
  await nc.flush();
  return {
    waitAll: () =>
      new Promise((resolve) => {
        count = 0;
        wake = resolve;
      }),
    close: () => nc.close(),
  };
}

async function measurePublish(url, awaitEach) {
  const ourBus = await createNatsBus({ url, name: 'bench-ours-publisher' });
  const rawConnection = await connect({ servers: url });
  const ourCounter = await counter(url, 'bench.ours.pub');
  const rawCounter = await counter(url, 'bench.raw.pub');
  const sides = {
    ours: () =>
      deliveredRate(
        () => ourBus.publish('bench.ours.pub', publishPayload),
        () => Promise.resolve(),
        ourCounter.waitAll,
        awaitEach,
      ),
    raw: () =>
      deliveredRate(
        () => rawConnection.publish('bench.raw.pub', publishPayload),
        () => rawConnection.flush(),
        rawCounter.waitAll,
        awaitEach,
      ),
  };
  const rates = { ours: [], raw: [] };
  await sides.ours();
  await sides.raw();
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 ? ['raw', 'ours'] : ['ours', 'raw'];
    for (const name of order) rates[name].push(await sides[name]());
  }
  await ourBus.close();
  await rawConnection.close();
  await ourCounter.close();
  await rawCounter.close();
  return { ours: median(rates.ours), raw: median(rates.raw) };
}

export async function benchNatsBus(url) {
  const requestReply = await measureRequestReply(url);
  // Back-to-back publishes (the client batches writes) and one awaited publish at a time.
  const publish = await measurePublish(url, false);
  const publishAwaited = await measurePublish(url, true);
  return { requestReply, publish, publishAwaited };
}
