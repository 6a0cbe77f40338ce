/**
 * The S3 adapter: any S3 API (AWS, MinIO, s3rver) through @aws-sdk/client-s3, path-style by
 * default. Uploads go through lib-storage's `Upload`: one PUT for small objects, a multipart
 * upload for large ones, so memory stays at a few parts whatever the object's size. The bucket
 * is created on first use when missing.
 */
import { Readable, pipeline } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  type HeadObjectCommandOutput,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { PlatformError, type PortHealth } from '@homelab-ai/contracts';
import { ByteMeter, knownSize, toReadable, tooLarge } from '../body.js';
import {
  DEFAULT_CONTENT_TYPE,
  DEFAULT_MAX_OBJECT_BYTES,
  type ListObjectsOptions,
  type ObjectBody,
  type ObjectDownload,
  type ObjectInfo,
  type ObjectPage,
  type ObjectStore,
  type PutObjectOptions,
  type StoredObject,
} from '../port.js';
import {
  assertValidKey,
  checkMaxObjectBytes,
  validateListOptions,
  validatePutOptions,
} from '../validation.js';
import { errorNameOf, httpStatusOf, s3Failure, type S3Target } from './s3-errors.js';
import { decodeMetadata, encodeMetadata } from './s3-metadata.js';

/** Settings; the platform reads them from S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID,
 * S3_SECRET_ACCESS_KEY and S3_REGION. */
export interface S3ObjectStoreSettings {
  /** E.g. `http://minio:9000`; unset means AWS S3 itself. */
  endpoint?: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Default `us-east-1`. */
  region?: string;
  /** Bucket in the path, not the host name (MinIO and most self-hosted S3). Default true. */
  forcePathStyle?: boolean;
  /** Default 5 GiB. */
  maxObjectBytes?: number;
  /** Multipart part size, at least 5 MiB (the S3 minimum; the default). */
  partSizeBytes?: number;
  /** Parts uploaded at once; each holds one part in memory. Default 4. */
  uploadConcurrency?: number;
  /** Attempts per request, retries included. Default 3. */
  maxAttempts?: number;
  /** Give up connecting after this long. Default 5000. */
  connectTimeoutMs?: number;
}

const MIN_PART_BYTES = 5 * 1024 * 1024;
const MAX_PARTS = 10_000;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function invalidConfig(message: string): PlatformError {
  return new PlatformError('invalid_config', message);
}

function checkSettings(settings: S3ObjectStoreSettings): void {
  if (!BUCKET_NAME.test(settings.bucket))
    throw invalidConfig(
      `S3_BUCKET ${JSON.stringify(settings.bucket)} is not a valid bucket name (3-63 lowercase letters, digits, "." and "-")`,
    );
  if (settings.endpoint !== undefined) {
    let protocol = '';
    try {
      protocol = new URL(settings.endpoint).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'http:' && protocol !== 'https:')
      throw invalidConfig(`S3_ENDPOINT ${JSON.stringify(settings.endpoint)} is not an http(s) URL`);
  }
  if (!settings.accessKeyId || !settings.secretAccessKey)
    throw invalidConfig('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must both be set');
  const partSize = settings.partSizeBytes ?? MIN_PART_BYTES;
  if (!Number.isSafeInteger(partSize) || partSize < MIN_PART_BYTES)
    throw invalidConfig(`S3 partSizeBytes must be at least ${MIN_PART_BYTES}, got ${partSize}`);
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}

/** An ObjectStore on an S3 bucket. */
/** What GetObject and HeadObject both say about an object, in the port's terms. */
function toObjectInfo(
  key: string,
  response: Pick<
    HeadObjectCommandOutput,
    'ContentLength' | 'ETag' | 'ContentType' | 'LastModified' | 'Metadata'
  >,
): ObjectInfo {
  return {
    key,
    size: response.ContentLength ?? 0,
    etag: unquote(response.ETag),
    contentType: response.ContentType ?? DEFAULT_CONTENT_TYPE,
    modified: response.LastModified ?? new Date(),
    metadata: decodeMetadata(response.Metadata),
  };
}

export function createS3ObjectStore(settings: S3ObjectStoreSettings): ObjectStore {
  checkSettings(settings);
  const region = settings.region ?? 'us-east-1';
  const bucket = settings.bucket;
  const target: S3Target = { endpoint: settings.endpoint ?? `AWS S3 (${region})`, bucket };
  const maxObjectBytes = checkMaxObjectBytes(
    settings.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    's3',
  );
  // Big enough that the largest allowed object fits in S3's 10 000 parts.
  const partSize = Math.max(
    settings.partSizeBytes ?? MIN_PART_BYTES,
    Math.ceil(maxObjectBytes / MAX_PARTS),
  );
  const client = new S3Client({
    region,
    forcePathStyle: settings.forcePathStyle ?? true,
    credentials: {
      accessKeyId: settings.accessKeyId,
      secretAccessKey: settings.secretAccessKey,
    },
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    maxAttempts: settings.maxAttempts ?? 3,
    // Checksums only where S3 requires them: MinIO releases, Ceph and s3rver differ on the rest.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: settings.connectTimeoutMs ?? 5_000 },
  });
  let bucketReady: Promise<void> | undefined;

  async function createBucketIfMissing(): Promise<void> {
    try {
      await client.send(new HeadBucketCommand({ Bucket: bucket }));
      return;
    } catch (error) {
      if (httpStatusOf(error) !== 404) throw s3Failure(target, 'checking', undefined, error);
    }
    try {
      await client.send(
        new CreateBucketCommand({
          Bucket: bucket,
          ...(region === 'us-east-1'
            ? {}
            : { CreateBucketConfiguration: { LocationConstraint: region as never } }),
        }),
      );
    } catch (error) {
      const name = errorNameOf(error);
      // Another instance created it between our check and our create.
      if (name === 'BucketAlreadyOwnedByYou' || name === 'BucketAlreadyExists') return;
      throw s3Failure(target, 'creating', undefined, error);
    }
  }

  /** Makes sure the bucket exists, once; a failure is retried on the next call. */
  function ensureBucket(): Promise<void> {
    bucketReady ??= createBucketIfMissing().catch((error: unknown) => {
      bucketReady = undefined;
      throw error;
    });
    return bucketReady;
  }

  function failure(action: string, key: string | undefined, error: unknown): PlatformError {
    if (error instanceof PlatformError) return error;
    // The bucket was removed behind our back: check (and create) it again next time.
    if (errorNameOf(error) === 'NoSuchBucket') bucketReady = undefined;
    return s3Failure(target, action, key, error);
  }

  return {
    adapter: 's3',
    maxObjectBytes,

    async put(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<StoredObject> {
      assertValidKey(key);
      const { contentType, metadata } = validatePutOptions(key, options);
      const size = knownSize(body);
      if (size !== undefined && size > maxObjectBytes) throw tooLarge(key, maxObjectBytes);
      await ensureBucket();
      const source = toReadable(body);
      const meter = new ByteMeter(key, maxObjectBytes, { hash: false });
      let bodyError: unknown;
      // A failing source or an oversize count fails the upload, which then aborts its parts.
      pipeline(source, meter, (error) => {
        if (error) bodyError ??= error;
      });
      const upload = new Upload({
        client,
        params: {
          Bucket: bucket,
          Key: key,
          Body: meter,
          ContentType: contentType,
          Metadata: encodeMetadata(metadata),
        },
        partSize,
        queueSize: settings.uploadConcurrency ?? 4,
        leavePartsOnError: false,
      });
      try {
        const result = await upload.done();
        return { key, size: meter.bytes, etag: unquote(result.ETag) };
      } catch (error) {
        source.destroy();
        meter.destroy();
        if (meter.exceeded) throw tooLarge(key, maxObjectBytes);
        // s3rver cannot abort a multipart upload: the body's own failure is the one to report.
        if (
          bodyError !== undefined &&
          !(bodyError instanceof Error && bodyError.name === 'AbortError')
        )
          throw failure('reading the body of', key, bodyError);
        throw failure('storing', key, error);
      }
    },

    async get(key: string): Promise<ObjectDownload> {
      assertValidKey(key);
      await ensureBucket();
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        const body = response.Body;
        if (!(body instanceof Readable))
          throw new PlatformError(
            'internal',
            `S3 returned no stream for object ${JSON.stringify(key)}`,
          );
        return { ...toObjectInfo(key, response), body };
      } catch (error) {
        throw failure('reading', key, error);
      }
    },

    async head(key: string): Promise<ObjectInfo> {
      assertValidKey(key);
      await ensureBucket();
      try {
        const response = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        return toObjectInfo(key, response);
      } catch (error) {
        throw failure('describing', key, error);
      }
    },

    async list(options?: ListObjectsOptions): Promise<ObjectPage> {
      const { prefix, cursor, limit } = validateListOptions(options);
      await ensureBucket();
      try {
        const response = await client.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            MaxKeys: limit,
            ...(prefix ? { Prefix: prefix } : {}),
            ...(cursor === undefined ? {} : { StartAfter: cursor }),
          }),
        );
        const objects = (response.Contents ?? []).map((entry) => ({
          key: entry.Key ?? '',
          size: entry.Size ?? 0,
          modified: entry.LastModified ?? new Date(0),
        }));
        const last = objects.at(-1)?.key;
        return { objects, cursor: response.IsTruncated && last !== undefined ? last : undefined };
      } catch (error) {
        throw failure(`listing (prefix ${JSON.stringify(prefix)})`, undefined, error);
      }
    },

    async delete(key: string): Promise<void> {
      assertValidKey(key);
      await ensureBucket();
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (httpStatusOf(error) === 404 && errorNameOf(error) !== 'NoSuchBucket') return;
        throw failure('deleting', key, error);
      }
    },

    async health(): Promise<PortHealth> {
      try {
        // Asks the server every time: a resolved `ensureBucket` says nothing about now.
        await createBucketIfMissing();
        bucketReady ??= Promise.resolve();
        return { healthy: true, detail: `bucket ${JSON.stringify(bucket)} at ${target.endpoint}` };
      } catch (error) {
        return {
          healthy: false,
          detail: error instanceof Error ? error.message : String(error),
        };
      }
    },

    close(): Promise<void> {
      client.destroy();
      return Promise.resolve();
    },
  };
}
