import { startNatsServer, type NatsServerHandle } from '@homelab-ai/testkit';
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
