export * from './adapters.js';
export * from './platform.js';
export * from './roles.js';
