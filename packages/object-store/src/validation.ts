/**
 * Input rules shared by every adapter, so a key or option that works on one store works on all
 * of them (and cannot escape the file store's folder).
 */
import { PlatformError } from '@homelab-ai/contracts';
import {
  DEFAULT_CONTENT_TYPE,
  MAX_LIST_LIMIT,
  type ListObjectsOptions,
  type ObjectMetadata,
  type PutObjectOptions,
} from './port.js';

export const MAX_KEY_BYTES = 1024;
/** S3's limit on user metadata (keys and values together). */
export const MAX_METADATA_BYTES = 2048;

const CONTROL_CHARACTER = /\p{Cc}/u;
const LONE_SURROGATE = /\p{Cs}/u;
const METADATA_KEY = /^[a-z0-9][a-z0-9-]{0,127}$/;
const CONTENT_TYPE = /^[\w!#$&^.+-]+\/[\w!#$&^.+-]+(\s*;[\x20-\x7e]*)?$/;

function invalid(message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError('invalid_input', message, { details });
}

/** The reason a key is refused, or undefined when it is fine. */
export function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'must not be empty';
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return `is ${bytes} bytes long, more than ${MAX_KEY_BYTES} (UTF-8)`;
  if (CONTROL_CHARACTER.test(key)) return 'contains a control character';
  if (LONE_SURROGATE.test(key)) return 'is not valid Unicode (a lone surrogate)';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'must not start with "/" (keys are relative)';
  const segments = key.split('/');
  if (segments.includes('..')) return 'contains a ".." segment';
  if (segments.includes('.')) return 'contains a "." segment';
  if (segments.includes('')) return 'contains an empty segment ("//" or a trailing "/")';
  return undefined;
}

/** Throws `invalid_input` naming the key when it breaks a key rule. */
export function assertValidKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined)
    throw invalid(`object key ${JSON.stringify(key)} ${problem}`, { key, problem });
}

export interface ValidPutOptions {
  contentType: string;
  metadata: ObjectMetadata;
}

/** Checks content type and metadata and fills in defaults. */
export function validatePutOptions(key: string, options: PutObjectOptions = {}): ValidPutOptions {
  const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
  if (contentType.length > 256 || !CONTENT_TYPE.test(contentType))
    throw invalid(
      `content type ${JSON.stringify(contentType)} of object ${JSON.stringify(key)} is not a valid media type (type/subtype)`,
      { key, contentType },
    );
  const metadata: ObjectMetadata = {};
  let metadataBytes = 0;
  for (const [name, value] of Object.entries(options.metadata ?? {})) {
    if (!METADATA_KEY.test(name))
      throw invalid(
        `metadata key ${JSON.stringify(name)} of object ${JSON.stringify(key)} must be lowercase letters, digits and "-" (at most 128)`,
        { key, metadataKey: name },
      );
    if (typeof value !== 'string' || LONE_SURROGATE.test(value))
      throw invalid(
        `metadata value of ${JSON.stringify(name)} on object ${JSON.stringify(key)} must be a valid string`,
        { key, metadataKey: name },
      );
    metadataBytes += Buffer.byteLength(name) + Buffer.byteLength(value);
    metadata[name] = value;
  }
  if (metadataBytes > MAX_METADATA_BYTES)
    throw invalid(
      `metadata of object ${JSON.stringify(key)} is ${metadataBytes} bytes, more than ${MAX_METADATA_BYTES}`,
      { key, metadataBytes },
    );
  return { contentType, metadata };
}

export interface ValidListOptions {
  prefix: string;
  cursor: string | undefined;
  limit: number;
}

/** Checks list options and fills in defaults. */
export function validateListOptions(options: ListObjectsOptions = {}): ValidListOptions {
  const prefix = options.prefix ?? '';
  if (
    Buffer.byteLength(prefix) > MAX_KEY_BYTES ||
    CONTROL_CHARACTER.test(prefix) ||
    LONE_SURROGATE.test(prefix)
  )
    throw invalid(`list prefix ${JSON.stringify(prefix)} is not a possible key prefix`, {
      prefix,
    });
  const limit = options.limit ?? MAX_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT)
    throw invalid(`list limit ${limit} must be an integer from 1 to ${MAX_LIST_LIMIT}`, { limit });
  if (options.cursor !== undefined && keyProblem(options.cursor) !== undefined)
    throw invalid(`list cursor ${JSON.stringify(options.cursor)} is not one this store gave`, {
      cursor: options.cursor,
    });
  return { prefix, cursor: options.cursor, limit };
}

/** Orders keys as S3 lists them: by their UTF-8 bytes. */
export function compareKeys(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8'));
}

/** Refuses a settings value for `maxObjectBytes` that is not a positive whole number. */
export function checkMaxObjectBytes(value: number, adapter: string): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new PlatformError(
      'invalid_config',
      `${adapter} object store: maxObjectBytes must be a positive whole number of bytes, got ${value}`,
    );
  return value;
}
