/**
 * One contract suite for every Bus adapter (embedded and NATS): what handlers rely on.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  PlatformError,
  decodeWith,
  deadLetterSchema,
  type StreamSpec,
} from '@homelab-ai/contracts';
import { eventually } from '@homelab-ai/testkit';
import type { Bus, BusMessage, ConsumerSpec, Delivery } from '../port.js';

const text = (value: string) => new TextEncoder().encode(value);
const read = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function testStream(): { spec: StreamSpec; subject: (suffix: string) => string } {
  const id = randomUUID().slice(0, 8);
  return {
    spec: {
      name: `TEST_${id}`,
      subjects: [`test.${id}.>`],
      storage: 'memory',
      maxAgeMs: 60_000,
      retention: 'limits',
      description: 'contract test',
    },
    subject: (suffix) => `test.${id}.${suffix}`,
  };
}

const deadLetterStream: StreamSpec = {
  name: 'AI_DEAD_LETTERS',
  subjects: ['ai.deadletter.>'],
  storage: 'memory',
  maxAgeMs: 60_000,
  retention: 'limits',
  description: 'dead letters',
};

function consumerSpec(stream: StreamSpec, overrides: Partial<ConsumerSpec> = {}): ConsumerSpec {
  return {
    stream: stream.name,
    durable: `durable_${randomUUID().slice(0, 8)}`,
    ackWaitMs: 1_000,
    maxDeliver: 3,
    concurrency: 4,
    retryDelayMs: () => 50,
    ...overrides,
  };
}

function collect(bus: Bus, subject: string): Promise<{ messages: BusMessage[] }> {
  const box = { messages: [] as BusMessage[] };
  return bus.subscribe(subject, (message) => void box.messages.push(message)).then(() => box);
}

export function runBusContract(
  name: string,
  createBus: () => Promise<Bus>,
  teardown?: () => Promise<void>,
): void {
  describe(`Bus contract: ${name}`, () => {
    let bus: Bus;
    before(async () => {
      bus = await createBus();
      await bus.ensureStreams([deadLetterStream]);
    });
    after(async () => {
      await bus.close();
      await teardown?.();
    });

    it('delivers a published message with its headers to a subscriber', async () => {
      const { subject } = testStream();
      const inbox = await collect(bus, subject('hello'));
      await bus.publish(subject('hello'), text('hi'), {
        headers: { traceparent: '00-abc-def-01' },
      });
      const [message] = await eventually(
        () => (inbox.messages.length ? inbox.messages : undefined),
        'delivery',
      );
      assert.equal(read(message!.data), 'hi');
      assert.equal(message!.headers.traceparent, '00-abc-def-01');
    });

    it('matches * and > wildcards', async () => {
      const { subject } = testStream();
      const single = await collect(bus, subject('*.message'));
      const tail = await collect(bus, subject('>'));
      await bus.publish(subject('u1.message'), text('a'));
      await bus.publish(subject('u1.login'), text('b'));
      await bus.publish(subject('u1.deep.message'), text('c'));
      await eventually(() => (tail.messages.length === 3 ? true : undefined), 'three on >');
      assert.deepEqual(
        single.messages.map((m) => read(m.data)),
        ['a'],
      );
    });

    it('gives each message of a queue group to exactly one member', async () => {
      const { subject } = testStream();
      const seen: string[][] = [[], []];
      for (const member of [0, 1]) {
        await bus.subscribe(subject('work'), (m) => void seen[member]!.push(read(m.data)), {
          queue: 'workers',
        });
      }
      for (let index = 0; index < 40; index++)
        await bus.publish(subject('work'), text(String(index)));
      await eventually(
        () => (seen[0]!.length + seen[1]!.length === 40 ? true : undefined),
        'all 40',
      );
      await sleep(50);
      const all = [...seen[0]!, ...seen[1]!].sort((a, b) => Number(a) - Number(b));
      assert.deepEqual(
        all,
        Array.from({ length: 40 }, (_, index) => String(index)),
      );
      assert.ok(seen[0]!.length > 0 && seen[1]!.length > 0, 'both members got work');
    });

    it('answers request/reply, times out, and reports no responders', async () => {
      const { subject } = testStream();
      await bus.subscribe(subject('echo'), async (message) => {
        if (message.reply) await bus.publish(message.reply, text(`echo:${read(message.data)}`));
      });
      const reply = await bus.request(subject('echo'), text('ping'), { timeoutMs: 2_000 });
      assert.equal(read(reply.data), 'echo:ping');

      await bus.subscribe(subject('silent'), () => undefined);
      await assert.rejects(
        bus.request(subject('silent'), text('x'), { timeoutMs: 150 }),
        (error) => {
          assert.ok(error instanceof PlatformError);
          assert.equal(error.code, 'timeout');
          return true;
        },
      );
      await assert.rejects(
        bus.request(subject('nobody'), text('x'), { timeoutMs: 1_000 }),
        (error) => {
          assert.ok(error instanceof PlatformError);
          assert.equal(error.code, 'unavailable');
          return true;
        },
      );
    });

    it('creates streams idempotently and refuses a persisted publish no stream takes', async () => {
      const { spec } = testStream();
      await bus.ensureStreams([spec]);
      await bus.ensureStreams([{ ...spec, description: 'updated' }]);
      await assert.rejects(
        bus.publish(`nostream.${randomUUID().slice(0, 8)}`, text('x'), { persist: true }),
        PlatformError,
      );
    });

    it('delivers stored messages to a durable consumer started later, each once when acked', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      for (let index = 0; index < 5; index++)
        await bus.publish(subject('job'), text(String(index)), { persist: true });
      const handled: string[] = [];
      const consumer = await bus.consume(consumerSpec(spec), async (delivery) => {
        handled.push(read(delivery.data));
        return Promise.resolve();
      });
      await eventually(() => (handled.length >= 5 ? true : undefined), 'five deliveries');
      await sleep(1_300);
      assert.deepEqual([...handled].sort(), ['0', '1', '2', '3', '4']);
      await consumer.stop();
    });

    it('shares a durable between consumer instances without duplicates', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const durable = consumerSpec(spec);
      const byInstance: string[][] = [[], []];
      const consumers = await Promise.all(
        [0, 1].map((instance) =>
          bus.consume(durable, async (delivery) => {
            byInstance[instance]!.push(read(delivery.data));
            await sleep(5);
          }),
        ),
      );
      for (let index = 0; index < 30; index++)
        await bus.publish(subject('job'), text(String(index)), { persist: true });
      await eventually(
        () => (byInstance[0]!.length + byInstance[1]!.length >= 30 ? true : undefined),
        '30 handled',
      );
      const all = [...byInstance[0]!, ...byInstance[1]!];
      assert.equal(new Set(all).size, 30);
      assert.equal(all.length, 30);
      await Promise.all(consumers.map((consumer) => consumer.stop()));
    });

    it('redelivers a delivery that was never acknowledged after the ack wait', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const counts: number[] = [];
      const consumer = await bus.consume(
        consumerSpec(spec, { ackWaitMs: 400 }),
        async (delivery) => {
          counts.push(delivery.deliveryCount);
          if (delivery.deliveryCount === 1) await new Promise(() => undefined); // a handler that hangs
        },
      );
      await bus.publish(subject('job'), text('x'), { persist: true });
      await eventually(() => (counts.includes(2) ? true : undefined), 'a redelivery');
      assert.deepEqual(counts, [1, 2]);
      await consumer.stop(10);
    });

    it('keeps a slow handler that reports progress from being redelivered', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const counts: number[] = [];
      const consumer = await bus.consume(
        consumerSpec(spec, { ackWaitMs: 300 }),
        async (delivery) => {
          counts.push(delivery.deliveryCount);
          for (let step = 0; step < 8; step++) {
            await sleep(100);
            delivery.working();
          }
        },
      );
      await bus.publish(subject('job'), text('slow'), { persist: true });
      await eventually(() => (counts.length ? true : undefined), 'first delivery');
      await sleep(1_200);
      assert.deepEqual(counts, [1]);
      await consumer.stop();
    });

    it('retries a retryable failure, then succeeds', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const counts: number[] = [];
      const consumer = await bus.consume(consumerSpec(spec), (delivery) => {
        counts.push(delivery.deliveryCount);
        if (delivery.deliveryCount < 3)
          return Promise.reject(new PlatformError('unavailable', 'model down'));
        return Promise.resolve();
      });
      await bus.publish(subject('job'), text('x'), { persist: true });
      await eventually(() => (counts.length === 3 ? true : undefined), 'three attempts');
      await sleep(200);
      assert.deepEqual(counts, [1, 2, 3]);
      await consumer.stop();
    });

    it('dead-letters a non-retryable failure at once, with the reason and the original bytes', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const letters = await collect(bus, `ai.deadletter.${subject('>')}`);
      let attempts = 0;
      const consumer = await bus.consume(consumerSpec(spec), () => {
        attempts++;
        return Promise.reject(new PlatformError('invalid_message', 'message: must not be empty'));
      });
      await bus.publish(subject('bad'), text('payload'), { persist: true });
      const [letter] = await eventually(
        () => (letters.messages.length ? letters.messages : undefined),
        'dead letter',
      );
      const record = decodeWith(deadLetterSchema, letter!.data, 'dead letter');
      assert.equal(record.original_subject, subject('bad'));
      assert.equal(record.error_type, 'invalid_message');
      assert.match(record.reason, /must not be empty/);
      assert.equal(read(record.data), 'payload');
      await sleep(300);
      assert.equal(attempts, 1);
      await consumer.stop();
    });

    it('dead-letters a message no handler acknowledged after max deliveries', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      const letters = await collect(bus, `ai.deadletter.${subject('>')}`);
      const counts: number[] = [];
      const consumer = await bus.consume(
        consumerSpec(spec, { ackWaitMs: 300, maxDeliver: 2 }),
        async (delivery) => {
          counts.push(delivery.deliveryCount);
          await new Promise(() => undefined);
        },
      );
      await bus.publish(subject('poison'), text('poison'), { persist: true });
      const [letter] = await eventually(
        () => (letters.messages.length ? letters.messages : undefined),
        'dead letter',
        8_000,
      );
      const record = decodeWith(deadLetterSchema, letter!.data, 'dead letter');
      assert.equal(record.error_type, 'max_deliveries');
      assert.equal(record.deliveries, 2);
      assert.match(record.reason, /not acknowledged after 2 deliveries/);
      assert.deepEqual(counts, [1, 2]);
      await consumer.stop(10);
    });

    it('lets in-flight deliveries finish when a consumer stops', async () => {
      const { spec, subject } = testStream();
      await bus.ensureStreams([spec]);
      let finished = false;
      let started: () => void = () => undefined;
      const startedPromise = new Promise<void>((resolve) => (started = resolve));
      const consumer = await bus.consume(consumerSpec(spec), async (_delivery: Delivery) => {
        started();
        await sleep(200);
        finished = true;
      });
      await bus.publish(subject('job'), text('x'), { persist: true });
      await startedPromise;
      await consumer.stop(5_000);
      assert.equal(finished, true);
    });

    it('reports its health', async () => {
      const health = await bus.health();
      assert.equal(health.healthy, true);
      assert.ok(health.detail.length > 0);
    });
  });
}
