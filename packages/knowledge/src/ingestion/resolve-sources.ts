/**
 * Turns an ingestion source into documents of a collection, each recorded `queued` with its
 * bytes in the object store: an uploaded document (`document:<id>`), an http(s) URL, an
 * `s3://<bucket>/<prefix>` of the platform's bucket, or a server-side folder or file inside a
 * configured root. A source seen before (same URL or path) reuses its document, so that
 * re-ingesting a changed file replaces its chunks.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import {
  createDocument,
  findDocumentByFilename,
  getDocumentById,
  requeueDocument,
  type Collection,
  type Database,
} from '@homelab-ai/metadata-db';
import type { ObjectStore } from '@homelab-ai/object-store';
import { fetchUrl } from './fetch-url.js';
import type { IngestionSettings } from './ingestion-settings.js';

export interface SourceContext {
  db: Kysely<Database>;
  objects: ObjectStore;
  settings: IngestionSettings;
  collection: Collection;
  ownerId: string;
  signal?: AbortSignal;
}

interface FetchedFile {
  name: string;
  contentType: string;
  bytes: Uint8Array;
}

/** Records (or re-queues) one fetched file as a document of the collection. */
async function recordFile(context: SourceContext, file: FetchedFile): Promise<string> {
  const { db, collection, ownerId } = context;
  const sha256 = createHash('sha256').update(file.bytes).digest('hex');
  const existing = await findDocumentByFilename(db, collection.id, file.name);
  const documentId = existing?.id;
  const objectKey = `sources/${collection.id}/${createHash('sha1').update(file.name).digest('hex')}`;
  await context.objects.put(objectKey, file.bytes, { contentType: file.contentType });
  const content = {
    sizeBytes: file.bytes.length,
    sha256,
    contentType: file.contentType,
    objectKey,
  };
  if (documentId) {
    await requeueDocument(db, documentId, content);
    return documentId;
  }
  const document = await createDocument(db, {
    collectionId: collection.id,
    ownerId,
    filename: file.name,
    ...content,
  });
  return document.id;
}

function insideRoots(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const rel = relative(resolve(root), path);
    return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
  });
}

async function listFolder(folder: string, limit: number): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (files.length > limit) {
    throw new PlatformError(
      'invalid_input',
      `${folder} holds ${files.length} files; the limit is ${limit}`,
    );
  }
  return files;
}

async function localSource(context: SourceContext, path: string): Promise<string[]> {
  const absolute = resolve(path);
  if (!insideRoots(absolute, context.settings.localRoots)) {
    throw new PlatformError(
      'forbidden',
      `${absolute} is outside the folders ingestion may read (INGEST_LOCAL_ROOTS: ${context.settings.localRoots.join(', ') || 'none'})`,
    );
  }
  const info = await stat(absolute).catch(() => {
    throw new PlatformError('not_found', `${absolute} does not exist`);
  });
  const files = info.isDirectory()
    ? await listFolder(absolute, context.settings.maxSourceFiles)
    : [absolute];
  const ids: string[] = [];
  for (const file of files) {
    context.signal?.throwIfAborted();
    const size = (await stat(file)).size;
    if (size > context.settings.maxDocumentBytes) {
      throw new PlatformError('payload_too_large', `${file} is over the document size limit`);
    }
    ids.push(
      await recordFile(context, {
        name: file,
        contentType: 'application/octet-stream',
        bytes: await readFile(file),
      }),
    );
  }
  return ids;
}

async function bucketSource(context: SourceContext, url: URL): Promise<string[]> {
  if (url.hostname !== context.settings.bucket) {
    throw new PlatformError(
      'invalid_input',
      `s3://${url.hostname}: only the platform's bucket (s3://${context.settings.bucket}/…) can be ingested`,
    );
  }
  const prefix = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await context.objects.list({ prefix, ...(cursor ? { cursor } : {}) });
    keys.push(...page.objects.filter((object) => object.size > 0).map((object) => object.key));
    cursor = page.cursor;
    if (keys.length > context.settings.maxSourceFiles) {
      throw new PlatformError(
        'invalid_input',
        `${url.href} holds more than ${context.settings.maxSourceFiles} objects`,
      );
    }
  } while (cursor);
  if (keys.length === 0) throw new PlatformError('not_found', `no objects under ${url.href}`);
  const ids: string[] = [];
  for (const key of keys) {
    const download = await context.objects.get(key);
    const parts: Buffer[] = [];
    for await (const chunk of download.body as AsyncIterable<Buffer>) parts.push(chunk);
    ids.push(
      await recordFile(context, {
        name: `s3://${url.hostname}/${key}`,
        contentType: download.contentType,
        bytes: Buffer.concat(parts),
      }),
    );
  }
  return ids;
}

/** The documents a source names, recorded and queued; throws a clear error for a bad source. */
export async function resolveSource(context: SourceContext, source: string): Promise<string[]> {
  const trimmed = source.trim();
  if (trimmed.startsWith('document:')) {
    const id = trimmed.slice('document:'.length);
    const document = /^[0-9a-f-]{36}$/i.test(id)
      ? await getDocumentById(context.db, id)
      : undefined;
    if (
      !document ||
      document.owner_id !== context.ownerId ||
      document.collection_id !== context.collection.id
    ) {
      throw new PlatformError(
        'not_found',
        `document ${id} does not exist in "${context.collection.name}"`,
      );
    }
    return [document.id];
  }
  if (/^https?:\/\//i.test(trimmed)) {
    const fetched = await fetchUrl(trimmed, {
      maxBytes: context.settings.maxDocumentBytes,
      allowPrivate: context.settings.allowPrivateUrls,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    return [
      await recordFile(context, {
        name: trimmed,
        contentType: fetched.contentType,
        bytes: fetched.bytes,
      }),
    ];
  }
  if (/^s3:\/\//i.test(trimmed)) return bucketSource(context, new URL(trimmed));
  if (/^file:\/\//i.test(trimmed)) return localSource(context, fileURLToPath(trimmed));
  if (trimmed.startsWith('/')) return localSource(context, trimmed);
  throw new PlatformError(
    'invalid_input',
    `source-url "${trimmed}": expected an http(s) URL, s3://bucket/prefix, file:///path or an absolute path`,
  );
}
