// requires-env: MILVUS_ADDRESS
import { runVectorStoreContract } from '../testing/vector-store-contract.js';
import { createMilvusVectorStore, type MilvusVectorStoreSettings } from './milvus-vector-store.js';

// Needs a real Milvus (2.5+ for BM25), e.g. MILVUS_ADDRESS=127.0.0.1:19530 (MILVUS_TOKEN if it
// has auth). Without it this file registers no tests, rather than counting skipped ones.
const address = process.env['MILVUS_ADDRESS'];
if (address) {
  const token = process.env['MILVUS_TOKEN'];
  const settings: MilvusVectorStoreSettings = { address, ...(token ? { token } : {}) };
  runVectorStoreContract(`Milvus at ${address}`, () => createMilvusVectorStore(settings), {
    persistent: true,
    // The suite names its collections contract_<random>; leave the server as it was found.
    teardown: async () => {
      const store = await createMilvusVectorStore(settings);
      try {
        for (const { name } of await store.listCollections()) {
          if (name.startsWith('contract_')) await store.dropCollection(name);
        }
      } finally {
        await store.close();
      }
    },
  });
}
