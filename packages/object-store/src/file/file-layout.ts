/**
 * How the file store lays keys out on disk. Key `docs/a/readme.md` is
 * `objects/docs.dir/a.dir/readme.md.obj`, its content type and metadata are beside it in
 * `readme.md.meta.json`. The suffixes keep `docs` (an object) and `docs/x` (an object under a
 * folder) from colliding, and no two kinds of entry can share a name.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PlatformError } from '@homelab-ai/contracts';
import { DEFAULT_CONTENT_TYPE, type ObjectMetadata } from '../port.js';
import { compareKeys } from '../validation.js';

export const OBJECT_SUFFIX = '.obj';
export const SIDECAR_SUFFIX = '.meta.json';
export const DIRECTORY_SUFFIX = '.dir';
/** A file name may have 255 bytes; the longest suffix must still fit. */
export const MAX_SEGMENT_BYTES = 255 - SIDECAR_SUFFIX.length;

export interface ObjectPaths {
  /** The folder holding the object, and the folders above it up to (not incl.) the root. */
  readonly folders: readonly string[];
  readonly data: string;
  readonly sidecar: string;
}

/** Where a (valid) key lives under the objects root. */
export function objectPaths(objectsRoot: string, key: string): ObjectPaths {
  const segments = key.split('/');
  const name = segments.pop() ?? key;
  const folders: string[] = [];
  let folder = objectsRoot;
  for (const segment of segments) {
    folder = join(folder, segment + DIRECTORY_SUFFIX);
    folders.unshift(folder);
  }
  return {
    folders,
    data: join(folder, name + OBJECT_SUFFIX),
    sidecar: join(folder, name + SIDECAR_SUFFIX),
  };
}

/** Refuses keys with a segment too long to be a file name here. */
export function assertSegmentsFit(key: string): void {
  for (const segment of key.split('/')) {
    const bytes = Buffer.byteLength(segment, 'utf8');
    if (bytes > MAX_SEGMENT_BYTES)
      throw new PlatformError(
        'invalid_input',
        `object key ${JSON.stringify(key)} has a segment of ${bytes} bytes; the file store keeps segments (between "/") to ${MAX_SEGMENT_BYTES} bytes`,
        { details: { key } },
      );
  }
}

export interface Sidecar {
  contentType: string;
  metadata: ObjectMetadata;
  etag: string;
}

export function encodeSidecar(sidecar: Sidecar): string {
  return JSON.stringify({ version: 1, ...sidecar });
}

/** The sidecar of an object, or defaults when it is missing or unreadable. */
export async function readSidecar(path: string, fallbackEtag: string): Promise<Sidecar> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Sidecar>;
    return {
      contentType:
        typeof parsed.contentType === 'string' ? parsed.contentType : DEFAULT_CONTENT_TYPE,
      metadata: isStringRecord(parsed.metadata) ? parsed.metadata : {},
      etag: typeof parsed.etag === 'string' ? parsed.etag : fallbackEtag,
    };
  } catch {
    return { contentType: DEFAULT_CONTENT_TYPE, metadata: {}, etag: fallbackEtag };
  }
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.values(value).every((entry) => typeof entry === 'string')
  );
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

interface Entry {
  /** The object's key, or for a folder its key prefix ending in "/". */
  key: string;
  name: string;
  folder: boolean;
}

/**
 * Objects under `folder` whose keys start with `prefix` and sort after `after`, in key order.
 * Folders that cannot hold such keys are not read.
 */
export async function* walkObjects(
  folder: string,
  folderKey: string,
  prefix: string,
  after: string | undefined,
): AsyncGenerator<{ key: string; path: string }> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if (isMissing(error)) return;
    throw error;
  }
  const entries: Entry[] = [];
  for (const name of names) {
    if (name.endsWith(OBJECT_SUFFIX))
      entries.push({ key: folderKey + name.slice(0, -OBJECT_SUFFIX.length), name, folder: false });
    else if (name.endsWith(DIRECTORY_SUFFIX))
      entries.push({
        key: `${folderKey}${name.slice(0, -DIRECTORY_SUFFIX.length)}/`,
        name,
        folder: true,
      });
  }
  // A folder sorts as its key plus "/", which puts "a" < "a-b" < "a/x" as S3 does.
  entries.sort((left, right) => compareKeys(left.key, right.key));
  for (const entry of entries) {
    if (entry.folder) {
      if (!entry.key.startsWith(prefix) && !prefix.startsWith(entry.key)) continue;
      if (after !== undefined && compareKeys(entry.key, after) < 0 && !after.startsWith(entry.key))
        continue; // every key in this folder sorts before `after`
      yield* walkObjects(join(folder, entry.name), entry.key, prefix, after);
    } else {
      if (!entry.key.startsWith(prefix)) continue;
      if (after !== undefined && compareKeys(entry.key, after) <= 0) continue;
      yield { key: entry.key, path: join(folder, entry.name) };
    }
  }
}
