// The embedded bus: request/reply latency inside one process.
import { createMemoryBus } from '@homelab-ai/bus';
import { summarize, timeEach } from './stats.js';

const WARM_UP = 5_000;
const REQUESTS = 20_000;

export async function benchMemoryBus() {
  const bus = createMemoryBus();
  try {
    const payload = new Uint8Array(64).fill(3);
    await bus.subscribe('bench.echo', (message) => bus.publish(message.reply, message.data));
    const once = () => bus.request('bench.echo', payload, { timeoutMs: 1_000 });
    const reply = await once();
    if (reply.data.length !== payload.length) throw new Error('embedded bus: wrong echo');
    await timeEach(WARM_UP, once);
    return summarize(await timeEach(REQUESTS, once));
  } finally {
    await bus.close();
  }
}
