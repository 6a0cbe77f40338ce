export * from './port.js';
// Adapters load their engines (LanceDB's native library, the Milvus gRPC client) on import, so
// each has its own entry point: '@homelab-ai/vector-store/embedded' and '.../milvus'.
export type { EmbeddedVectorStoreSettings } from './embedded/embedded-vector-store.js';
export type { MilvusVectorStore, MilvusVectorStoreSettings } from './milvus/milvus-vector-store.js';
