/**
 * The file adapter: objects in a folder on disk. A put streams into a staging file and renames
 * it into place, so readers see the old object or the new one, never a part of it.
 */
import { randomUUID } from 'node:crypto';
import {
  access,
  constants,
  lstat,
  mkdir,
  open,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PlatformError, toPlatformError, type PortHealth } from '@homelab-ai/contracts';
import { ByteMeter, knownSize, toReadable, tooLarge } from '../body.js';
import { KeyedQueue } from '../keyed-queue.js';
import {
  DEFAULT_MAX_OBJECT_BYTES,
  type ListObjectsOptions,
  type ObjectBody,
  type ObjectDownload,
  type ObjectInfo,
  type ObjectPage,
  type ObjectStore,
  type ObjectSummary,
  type PutObjectOptions,
  type StoredObject,
} from '../port.js';
import {
  assertValidKey,
  checkMaxObjectBytes,
  validateListOptions,
  validatePutOptions,
} from '../validation.js';
import {
  assertSegmentsFit,
  encodeSidecar,
  isMissing,
  objectPaths,
  readSidecar,
  walkObjects,
  type ObjectPaths,
} from './file-layout.js';

export interface FileObjectStoreSettings {
  /** The folder that holds everything (created if missing). */
  rootDir: string;
  /** Default 5 GiB. */
  maxObjectBytes?: number;
}

/** A folder that is being created by a concurrent put may vanish under a concurrent delete. */
const COMMIT_ATTEMPTS = 5;

function notFound(key: string, rootDir: string): PlatformError {
  return new PlatformError('not_found', `no object ${JSON.stringify(key)} in ${rootDir}`, {
    details: { key },
  });
}

function failure(action: string, key: string, error: unknown): PlatformError {
  const platformError = toPlatformError(error);
  return new PlatformError(
    platformError.code,
    `${action} object ${JSON.stringify(key)} failed: ${platformError.message}`,
    { cause: error },
  );
}

/** ETag for an object whose sidecar is gone: changes with size and modification time. */
function fallbackEtag(size: number, modifiedMs: number): string {
  return `${size.toString(16)}-${Math.floor(modifiedMs).toString(16)}`;
}

/** An ObjectStore on a local folder. */
export function createFileObjectStore(settings: FileObjectStoreSettings): ObjectStore {
  const rootDir = resolve(settings.rootDir);
  const objectsRoot = join(rootDir, 'objects');
  const stagingDir = join(rootDir, 'staging');
  const maxObjectBytes = checkMaxObjectBytes(
    settings.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES,
    'file',
  );
  const commits = new KeyedQueue();
  let folders: Promise<void> | undefined;

  function ready(): Promise<void> {
    folders ??= Promise.all([
      mkdir(objectsRoot, { recursive: true }),
      mkdir(stagingDir, { recursive: true }),
    ]).then(
      () => undefined,
      (error: unknown) => {
        folders = undefined;
        throw new PlatformError('unavailable', `cannot create the object store folder ${rootDir}`, {
          cause: error,
        });
      },
    );
    return folders;
  }

  function pathsOf(key: string): ObjectPaths {
    assertValidKey(key);
    assertSegmentsFit(key);
    return objectPaths(objectsRoot, key);
  }

  async function commit(paths: ObjectPaths, stagedData: string, stagedSidecar: string) {
    const folder = paths.folders[0];
    for (let attempt = 1; ; attempt++) {
      if (folder !== undefined) await mkdir(folder, { recursive: true });
      try {
        await rename(stagedData, paths.data);
        break;
      } catch (error) {
        if (!isMissing(error) || attempt >= COMMIT_ATTEMPTS) throw error;
      }
    }
    await rename(stagedSidecar, paths.sidecar);
  }

  /** Removes the now empty folders above a deleted object, deepest first. */
  async function pruneFolders(paths: ObjectPaths): Promise<void> {
    for (const folder of paths.folders) {
      try {
        await rmdir(folder);
      } catch {
        return; // not empty (or already gone): the folders above are not empty either
      }
    }
  }

  return {
    adapter: 'file',
    maxObjectBytes,

    async put(key: string, body: ObjectBody, options?: PutObjectOptions): Promise<StoredObject> {
      const paths = pathsOf(key);
      const { contentType, metadata } = validatePutOptions(key, options);
      const size = knownSize(body);
      if (size !== undefined && size > maxObjectBytes) throw tooLarge(key, maxObjectBytes);
      await ready();
      const staged = join(stagingDir, randomUUID());
      const stagedData = `${staged}.obj`;
      const stagedSidecar = `${staged}.meta.json`;
      const meter = new ByteMeter(key, maxObjectBytes, { hash: true });
      try {
        // Open the staging file before streaming, so that a failed put always finds (and
        // removes) it; a stream that opens lazily could create it after the cleanup ran.
        const file = await open(stagedData, 'wx');
        await pipeline(toReadable(body), meter, file.createWriteStream({ flush: true }));
        const etag = meter.digest();
        await writeFile(stagedSidecar, encodeSidecar({ contentType, metadata, etag }), {
          flush: true,
        });
        await commits.run(key, () => commit(paths, stagedData, stagedSidecar));
        return { key, size: meter.bytes, etag };
      } catch (error) {
        await Promise.all([rm(stagedData, { force: true }), rm(stagedSidecar, { force: true })]);
        if (meter.exceeded) throw tooLarge(key, maxObjectBytes);
        throw failure('storing', key, error);
      }
    },

    async get(key: string): Promise<ObjectDownload> {
      const paths = pathsOf(key);
      let handle;
      try {
        handle = await open(paths.data, 'r');
      } catch (error) {
        if (isMissing(error)) throw notFound(key, rootDir);
        throw failure('reading', key, error);
      }
      try {
        // The open handle keeps reading this version even if a put replaces it meanwhile.
        const stats = await handle.stat();
        const sidecar = await readSidecar(paths.sidecar, fallbackEtag(stats.size, stats.mtimeMs));
        return {
          key,
          size: stats.size,
          modified: stats.mtime,
          ...sidecar,
          body: handle.createReadStream(),
        };
      } catch (error) {
        await handle.close();
        throw failure('reading', key, error);
      }
    },

    async head(key: string): Promise<ObjectInfo> {
      const paths = pathsOf(key);
      try {
        const stats = await stat(paths.data);
        const sidecar = await readSidecar(paths.sidecar, fallbackEtag(stats.size, stats.mtimeMs));
        return { key, size: stats.size, modified: stats.mtime, ...sidecar };
      } catch (error) {
        if (isMissing(error)) throw notFound(key, rootDir);
        throw failure('describing', key, error);
      }
    },

    async list(options?: ListObjectsOptions): Promise<ObjectPage> {
      const { prefix, cursor, limit } = validateListOptions(options);
      const objects: ObjectSummary[] = [];
      try {
        for await (const { key, path } of walkObjects(objectsRoot, '', prefix, cursor)) {
          // One more object exists past a full page: the page ends at its last key.
          if (objects.length === limit) return { objects, cursor: objects.at(-1)?.key };
          try {
            const stats = await lstat(path);
            objects.push({ key, size: stats.size, modified: stats.mtime });
          } catch (error) {
            if (!isMissing(error)) throw error; // deleted while listing: skip it
          }
        }
      } catch (error) {
        throw new PlatformError(
          toPlatformError(error).code,
          `listing objects under ${JSON.stringify(prefix)} in ${rootDir} failed: ${toPlatformError(error).message}`,
          { cause: error },
        );
      }
      return { objects, cursor: undefined };
    },

    async delete(key: string): Promise<void> {
      const paths = pathsOf(key);
      try {
        await commits.run(key, async () => {
          await rm(paths.data, { force: true });
          await rm(paths.sidecar, { force: true });
        });
        await pruneFolders(paths);
      } catch (error) {
        throw failure('deleting', key, error);
      }
    },

    async health(): Promise<PortHealth> {
      try {
        await ready();
        await access(objectsRoot, constants.W_OK);
        return { healthy: true, detail: `folder ${rootDir}` };
      } catch (error) {
        return {
          healthy: false,
          detail: `folder ${rootDir} is not writable: ${toPlatformError(error).message}`,
        };
      }
    },

    close(): Promise<void> {
      return Promise.resolve();
    },
  };
}
