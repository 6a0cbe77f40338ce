export * from './port.js';
export { assertValidKey } from './validation.js';
export {
  createMemorySessionCache,
  DEFAULT_MEMORY_MAX_BYTES,
  DEFAULT_SWEEP_INTERVAL_MS,
  type MemorySessionCacheSettings,
} from './memory/memory-session-cache.js';
// The Valkey adapter (and iovalkey) loads from '@homelab-ai/session-cache/valkey' when configured.
export type { ValkeySessionCacheSettings } from './valkey/valkey-session-cache.js';
export { DEFAULT_KEY_PREFIX } from './valkey/valkey-settings.js';
