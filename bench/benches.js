// Every benchmark of `npm run bench`, in the order run.js runs them: what each measures, how to
// run it, and the rows it prints (the others are printed by report.js).
import { startNatsServer } from '@homelab-ai/testkit';
import { benchMemoryBus } from './bus-memory.js';
import { benchNatsBus } from './bus-nats.js';
import { onCleanup } from './cleanup.js';
import { benchChatTtft, chatTtftRows } from './chat-ttft.js';
import { benchEmbeddedModels } from './embedded-models.js';
import { benchHybridRetrieval, hybridRows } from './hybrid-retrieval.js';
import { benchIngestion, ingestionRows } from './ingestion.js';
import { benchModelAdapters } from './model-adapters.js';
import { benchStartup } from './startup.js';

async function natsBus() {
  const nats = await startNatsServer();
  onCleanup(() => nats.stop());
  return benchNatsBus(nats.url);
}

// Startup first, on a machine at rest as at a user's first start: right after the hybrid
// benchmark (100k chunks written and deleted) it came out 100–300 ms slower than alone.
export const BENCHES = {
  startup: { what: 'homelab-ai up, 5 runs', run: () => benchStartup(5) },
  natsBus: { what: 'bus over NATS, ours vs raw nats.js', run: natsBus },
  memoryBus: { what: 'embedded bus', run: benchMemoryBus },
  modelAdapters: {
    what: 'remote model adapters vs raw fetch, loopback servers',
    run: () => benchModelAdapters(),
  },
  embeddedModels: { what: 'embedded speech and embedding engines', run: benchEmbeddedModels },
  ingestion: {
    what: 'ingestion: upload → searchable, through the whole platform',
    run: benchIngestion,
    rows: ingestionRows,
  },
  chat: {
    what: 'chat: time to first token through the platform, 1/16/64 sessions, RAG on',
    run: benchChatTtft,
    rows: chatTtftRows,
  },
  hybrid: {
    what: 'hybrid retrieval over 100k chunks (builds the index first, about a minute)',
    run: () => benchHybridRetrieval(),
    rows: hybridRows,
  },
};
