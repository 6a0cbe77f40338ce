import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StreamSpec } from '@homelab-ai/contracts';
import { eventually, startNatsServer, type NatsServerHandle } from '@homelab-ai/testkit';
import { createNatsBus } from './nats-bus.js';
import { runBusContract } from '../testing/bus-contract.js';

let server: NatsServerHandle;
runBusContract(
  'NATS JetStream (real nats-server)',
  async () => {
    server = await startNatsServer();
    return createNatsBus({ url: server.url, name: 'contract-test' });
  },
  () => server.stop(),
);

describe('NATS adapter across a server restart', () => {
  it('reconnects and keeps consuming a file-backed stream', async () => {
    const nats = await startNatsServer();
    const bus = await createNatsBus({ url: nats.url, name: 'reconnect-test' });
    try {
      const stream: StreamSpec = {
        name: 'RESTART_TEST',
        subjects: ['restart.>'],
        storage: 'file',
        maxAgeMs: 60_000,
        retention: 'limits',
        description: 'reconnect test',
      };
      await bus.ensureStreams([stream]);
      const seen: string[] = [];
      await bus.consume(
        {
          stream: stream.name,
          durable: 'restart',
          ackWaitMs: 2_000,
          maxDeliver: 3,
          concurrency: 1,
        },
        (delivery) => {
          seen.push(new TextDecoder().decode(delivery.data));
          return Promise.resolve();
        },
      );
      await bus.publish('restart.job', new TextEncoder().encode('before'), { persist: true });
      await eventually(() => (seen.includes('before') ? true : undefined), 'the first message');
      await nats.restart();
      await eventually(
        async () => ((await bus.health()).healthy ? true : undefined),
        'a reconnect',
        15_000,
      );
      await bus.publish('restart.job', new TextEncoder().encode('after'), { persist: true });
      await eventually(
        () => (seen.includes('after') ? true : undefined),
        'a message after the restart',
        20_000,
      );
      // At least once: a server killed right after an ack may redeliver, never lose.
      assert.deepEqual([...new Set(seen)], ['before', 'after']);
    } finally {
      await bus.close();
      await nats.stop();
    }
  });
});
