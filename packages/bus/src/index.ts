export * from './port.js';
export * from './subject-match.js';
export * from './consume-policy.js';
export { createMemoryBus, type MemoryBusSettings } from './memory/memory-bus.js';
export { createNatsBus, type NatsBusSettings } from './nats-bus-loader.js';
