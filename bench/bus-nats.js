// Our Bus port on NATS vs raw nats.js, against one real nats-server, in alternating rounds.
import { createNatsBus } from '@homelab-ai/bus';
import { connect } from '@nats-io/transport-node';
import { alternate, median, summarize, timeInterleaved, within } from './stats.js';

const REQUEST_ROUNDS = 10;
const REQUESTS_PER_ROUND = 1_000;
const PUBLISH_ROUNDS = 9;
const requestPayload = new Uint8Array(64).fill(7);
const publishPayload = new Uint8Array(128).fill(9);

/** Requester and responder on two connections each side; the responder echoes the payload. */
async function requestSides(url) {
  const ourRequester = await createNatsBus({ url, name: 'bench-ours-requester' });
  const ourResponder = await createNatsBus({ url, name: 'bench-ours-responder' });
  await ourResponder.subscribe('bench.ours.echo', (message) =>
    ourResponder.publish(message.reply, message.data),
  );
  const rawRequester = await connect({ servers: url, name: 'bench-raw-requester' });
  const rawResponder = await connect({ servers: url, name: 'bench-raw-responder' });
  rawResponder.subscribe('bench.raw.echo', {
    callback: (_error, message) => message.respond(message.data),
  });
  await rawResponder.flush();
  return {
    ours: () => ourRequester.request('bench.ours.echo', requestPayload, { timeoutMs: 5_000 }),
    raw: () => rawRequester.request('bench.raw.echo', requestPayload, { timeout: 5_000 }),
    close: () =>
      Promise.allSettled([
        ourRequester.close(),
        ourResponder.close(),
        rawRequester.close(),
        rawResponder.close(),
      ]),
  };
}

/** Each round times 1,000 requests a side, interleaved one by one; who goes first alternates. */
async function measureRequestReply(url) {
  const { ours, raw, close } = await requestSides(url);
  try {
    for (const once of [ours, raw]) {
      const reply = await once();
      if (reply.data.length !== requestPayload.length) throw new Error('NATS: wrong echo');
    }
    await timeInterleaved(REQUESTS_PER_ROUND, ours, raw); // warm-up
    const rounds = { ours: [], raw: [] };
    for (let round = 0; round < REQUEST_ROUNDS; round++) {
      const oursFirst = round % 2 === 0;
      const [a, b] = await timeInterleaved(
        REQUESTS_PER_ROUND,
        oursFirst ? ours : raw,
        oursFirst ? raw : ours,
      );
      rounds.ours.push(summarize(oursFirst ? a : b));
      rounds.raw.push(summarize(oursFirst ? b : a));
    }
    const side = (results) => ({
      p50: median(results.map((r) => r.p50)),
      p99: median(results.map((r) => r.p99)),
      rounds: results.map((r) => ({ p50: r.p50, p99: r.p99 })),
    });
    return { ours: side(rounds.ours), raw: side(rounds.raw), requestsPerRound: REQUESTS_PER_ROUND };
  } finally {
    await close();
  }
}

/** A raw subscriber on its own connection, counting deliveries on `subject`. */
async function counter(url, subject) {
  const nc = await connect({ servers: url, name: `bench-counter-${subject}` });
  let count = 0;
  let expected = Infinity;
  let wake = () => undefined;
  nc.subscribe(subject, {
    callback: () => {
      if (++count === expected) wake();
    },
  });
  await nc.flush();
  return {
    expect: (total) =>
      new Promise((resolve) => {
        count = 0;
        expected = total;
        wake = resolve;
      }),
    close: () => nc.close(),
  };
}

/** Messages per second from the first publish until the subscriber received the last one. */
async function deliveredRate(publish, delivered, total, awaitEach) {
  const all = delivered.expect(total);
  const start = process.hrtime.bigint();
  if (awaitEach) for (let index = 0; index < total; index++) await publish();
  else for (let index = 0; index < total; index++) publish();
  await within(60_000, 'publish benchmark', all);
  return total / (Number(process.hrtime.bigint() - start) / 1e9);
}

async function measurePublish(url, total, awaitEach) {
  const ourBus = await createNatsBus({ url, name: 'bench-ours-publisher' });
  const rawConnection = await connect({ servers: url, name: 'bench-raw-publisher' });
  const ourCounter = await counter(url, 'bench.ours.pub');
  const rawCounter = await counter(url, 'bench.raw.pub');
  // Our publish resolves at once (core NATS); neither side flushes, the client batches writes.
  const ours = () => ourBus.publish('bench.ours.pub', publishPayload);
  const raw = () => rawConnection.publish('bench.raw.pub', publishPayload);
  const sides = {
    ours: () => deliveredRate(ours, ourCounter, total, awaitEach),
    raw: () => deliveredRate(raw, rawCounter, total, awaitEach),
  };
  try {
    await sides.ours(); // warm-up
    await sides.raw();
    const rates = await alternate(PUBLISH_ROUNDS, sides);
    return {
      ours: median(rates.ours),
      raw: median(rates.raw),
      oursRounds: rates.ours.map(Math.round),
      rawRounds: rates.raw.map(Math.round),
      messagesPerRound: total,
      payloadBytes: publishPayload.length,
    };
  } finally {
    await Promise.allSettled([
      ourBus.close(),
      rawConnection.close(),
      ourCounter.close(),
      rawCounter.close(),
    ]);
  }
}

export async function benchNatsBus(url) {
  const requestReply = await measureRequestReply(url);
  // Back-to-back publishes (the client batches the writes), then one awaited publish at a time.
  const publish = await measurePublish(url, 200_000, false);
  const publishAwaited = await measurePublish(url, 20_000, true);
  return { requestReply, publish, publishAwaited };
}
