/**
 * The NATS adapter, loaded only when a NATS bus is created: nats.js and JetStream are ~70–100 ms
 * of module loading that a platform on the embedded bus never needs at startup.
 */
import type { Bus } from './port.js';
import type { NatsBusSettings } from './nats/nats-bus.js';

export type { NatsBusSettings };

/** Connects to NATS (see `nats/nats-bus.ts`). */
export async function createNatsBus(settings: NatsBusSettings): Promise<Bus> {
  const adapter = await import('./nats/nats-bus.js');
  return adapter.createNatsBus(settings);
}
