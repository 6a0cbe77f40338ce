export * from './collection-name.js';
export * from './vector-collection.js';
export * from './chunk-indexer.js';
export * from './knowledge-deps.js';
export * from './knowledge-service.js';
export * from './store-upload.js';
export * from './collections.js';
