import { createMemoryBus } from './memory-bus.js';
import { runBusContract } from '../testing/bus-contract.js';

runBusContract('embedded', () => Promise.resolve(createMemoryBus()));
