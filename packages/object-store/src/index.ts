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
export { createS3ObjectStore, type S3ObjectStoreSettings } from './s3/s3-object-store.js';
