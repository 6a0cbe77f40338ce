export * from './port.js';
export {
  keyProblem,
  assertValidKey,
  compareKeys,
  MAX_KEY_BYTES,
  MAX_METADATA_BYTES,
} from './validation.js';
export { readAllBytes } from './body.js';
export { createFileObjectStore, type FileObjectStoreSettings } from './file/file-object-store.js';
// The S3 adapter (and the AWS SDK) loads from '@homelab-ai/object-store/s3' only when configured.
export type { S3ObjectStoreSettings } from './s3/s3-object-store.js';
