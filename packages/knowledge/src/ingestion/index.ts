export * from './ingestion-settings.js';
export * from './document-ingestion.js';
export * from './fetch-url.js';
export * from './private-address.js';
export * from './resolve-sources.js';
export * from './index-document.js';
