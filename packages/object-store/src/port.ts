/**
 * The ObjectStore port: named blobs streamed in and out (uploaded documents, audio, pipeline
 * artefacts). Adapters: `createFileObjectStore` (a folder on disk) and `createS3ObjectStore`
 * (any S3 API: AWS, MinIO). Both pass the same contract suite.
 */
import type { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { PortHealth } from '@homelab-ai/contracts';

export type { PortHealth } from '@homelab-ai/contracts';

/** What `put` accepts: a Node stream, a web stream, bytes, or text (stored as UTF-8). */
export type ObjectBody = Readable | ReadableStream<Uint8Array> | Uint8Array | string;

/** User metadata: keys of lowercase letters, digits and `-`; any string values. */
export type ObjectMetadata = Record<string, string>;

export interface PutObjectOptions {
  /** Defaults to `application/octet-stream`. */
  contentType?: string;
  metadata?: ObjectMetadata;
}

/** What a completed `put` stored. */
export interface StoredObject {
  readonly key: string;
  readonly size: number;
  /** Changes whenever the content changes (no quotes). */
  readonly etag: string;
}

export interface ObjectInfo extends StoredObject {
  readonly contentType: string;
  readonly modified: Date;
  readonly metadata: Readonly<ObjectMetadata>;
}

/** A streamed read: consume or destroy `body`, or the underlying file/socket stays open. */
export interface ObjectDownload extends ObjectInfo {
  readonly body: Readable;
}

export interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  readonly modified: Date;
}

export interface ListObjectsOptions {
  /** Only keys starting with this string (not necessarily at a `/`). */
  prefix?: string;
  /** From a previous page's `cursor`: continue after it. */
  cursor?: string;
  /** Most objects in one page, 1…1000 (default 1000). */
  limit?: number;
}

export interface ObjectPage {
  /** In key order (UTF-8 byte order, as S3 lists). */
  readonly objects: readonly ObjectSummary[];
  /** Set when more objects follow: pass it back as `cursor`. */
  readonly cursor: string | undefined;
}

export interface ObjectStore {
  /** Which adapter this is: `file` or `s3`. */
  readonly adapter: string;
  /** Larger objects are refused with `payload_too_large` and nothing is stored. */
  readonly maxObjectBytes: number;
  /** Stores the body under the key, replacing any object there, atomically: readers see the
   * old object or the whole new one, never a part. */
  put(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<StoredObject>;
  /** Streams an object; `not_found` when there is none. */
  get(key: string): Promise<ObjectDownload>;
  /** Describes an object without its content; `not_found` when there is none. */
  head(key: string): Promise<ObjectInfo>;
  list(options?: ListObjectsOptions): Promise<ObjectPage>;
  /** Removes an object; removing a missing object is not an error. */
  delete(key: string): Promise<void>;
  health(): Promise<PortHealth>;
  close(): Promise<void>;
}

export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** 5 GiB, the largest single PUT on S3. */
export const DEFAULT_MAX_OBJECT_BYTES = 5 * 1024 ** 3;
export const MAX_LIST_LIMIT = 1000;

/** Every object under a prefix, in key order, fetching pages as it goes. */
export async function* listAllObjects(
  store: ObjectStore,
  prefix = '',
  pageSize = MAX_LIST_LIMIT,
): AsyncGenerator<ObjectSummary> {
  let cursor: string | undefined;
  do {
    const page = await store.list({
      prefix,
      limit: pageSize,
      ...(cursor === undefined ? {} : { cursor }),
    });
    yield* page.objects;
    cursor = page.cursor;
  } while (cursor !== undefined);
}
