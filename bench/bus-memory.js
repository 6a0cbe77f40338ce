// The embedded bus: request/reply latency inside one process.
import { createMemoryBus } from '@homelab-ai/bus';
import { summarize, timeEach } from './stats.js';

export async function benchMemoryBus() {
  const bus = createMemoryBus();
  const payload = new Uint8Array(64).fill(3);
  await bus.subscribe('bench.echo', (message) => bus.publish(message.reply, message.data));
  const once = () => bus.request('bench.echo', payload, { timeoutMs: 1_000 });
  await timeEach(5_000, once);
  const result = summarize(await timeEach(20_000, once));
  await bus.close();
  return result;
}
