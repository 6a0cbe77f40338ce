/**
 * The model downloader: streams a catalogue entry (or any URL) into `<file>.part`, resumes an
 * existing part with an HTTP Range request, hashes while streaming, retries a dropped connection
 * by resuming, verifies size and sha256, then renames the part into place and writes the
 * install record. Never holds the file in memory.
 */
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PlatformError } from '@homelab-ai/contracts';
import { catalogueUrl, type CatalogueEntry } from './catalogue.js';
import { readInstallRecord, writeInstallRecord } from './install-record.js';
import {
  downloadAttempt,
  type CompletedDownload,
  type DownloadTarget,
} from './download-attempt.js';
import { asPullError, exhausted } from './pull-errors.js';

export interface PullProgress {
  file: string;
  /** Bytes in the part file so far, resumed bytes included. */
  receivedBytes: number;
  /** Size of the whole file when the server (or catalogue) said it. */
  totalBytes: number | undefined;
  /** Bytes fetched over the network by this call (for a speed). */
  downloadedBytes: number;
}

export interface PullOptions {
  /** A catalogue entry, or … */
  entry?: CatalogueEntry | undefined;
  /** … any URL (then `sha256`, if given, is checked). */
  url?: string | undefined;
  sha256?: string | undefined;
  /** Name to save under; default: the entry's file, or the URL's last path segment. */
  file?: string | undefined;
  modelsDir: string;
  /** Replaces https://huggingface.co in catalogue URLs (HOMELAB_MODELS_MIRROR). */
  mirror?: string | undefined;
  onProgress?: ((progress: PullProgress) => void) | undefined;
  /** Called before waiting to resume after a failed attempt (`attempt` is the next one, from 2). */
  onRetry?:
    ((retry: { error: PlatformError; attempt: number; waitMs: number }) => void) | undefined;
  signal?: AbortSignal | undefined;
  fetch?: typeof fetch | undefined;
  /** Further attempts after a dropped connection or a 5xx. Default 5. */
  retries?: number | undefined;
  /** First wait before a retry; doubles each time (max 30 s). Default 1000 ms. */
  retryDelayMs?: number | undefined;
}

export interface PullResult {
  path: string;
  file: string;
  id: string | undefined;
  sha256: string;
  sizeBytes: number;
  source: string;
  /** What the sha256 was checked against; undefined when nothing declared one. */
  verifiedAgainst: 'catalogue' | 'option' | 'server' | undefined;
  /** Bytes already in a part file when the pull started (0 for a fresh download). */
  resumedFromBytes: number;
  /** True when the file was already installed with the expected checksum. */
  alreadyInstalled: boolean;
}

/** Downloads one model file into `modelsDir`; see the module comment. */
export async function pullModel(options: PullOptions): Promise<PullResult> {
  const target = resolveTarget(options);
  await mkdir(options.modelsDir, { recursive: true });
  const path = join(options.modelsDir, target.file);
  const installed = await alreadyInstalled(options.modelsDir, target, path);
  if (installed) return installed;

  const partPath = `${path}.part`;
  const resumedFromBytes = await sizeOf(partPath);
  const retries = options.retries ?? 5;
  const firstDelayMs = options.retryDelayMs ?? 1_000;
  let downloadedBytes = 0;
  for (let failures = 0; ; failures++) {
    try {
      const done = await downloadAttempt(target, partPath, {
        fetch: options.fetch ?? fetch,
        signal: options.signal,
        onBytes: (receivedBytes, totalBytes, chunkBytes) => {
          downloadedBytes += chunkBytes;
          options.onProgress?.({ file: target.file, receivedBytes, totalBytes, downloadedBytes });
        },
      });
      const verifiedAgainst = await verify(target, partPath, done);
      await rename(partPath, path);
      await writeInstallRecord(options.modelsDir, {
        ...(target.id !== undefined ? { id: target.id } : {}),
        file: target.file,
        sha256: done.sha256,
        sizeBytes: done.sizeBytes,
        source: target.url,
        verified: verifiedAgainst !== undefined,
        installedAt: new Date().toISOString(),
      });
      return {
        path,
        file: target.file,
        id: target.id,
        sha256: done.sha256,
        sizeBytes: done.sizeBytes,
        source: target.url,
        verifiedAgainst,
        resumedFromBytes,
        alreadyInstalled: false,
      };
    } catch (error) {
      const failure = asPullError(error, target, partPath);
      if (!failure.retryable || failures >= retries) throw exhausted(failure, failures, partPath);
      const waitMs = Math.min(firstDelayMs * 2 ** failures, 30_000);
      options.onRetry?.({ error: failure, attempt: failures + 2, waitMs });
      await delay(waitMs, undefined, options.signal ? { signal: options.signal } : {}).catch(
        (abort: unknown) => {
          throw asPullError(abort, target, partPath);
        },
      );
    }
  }
}

function resolveTarget(options: PullOptions): DownloadTarget {
  const { entry } = options;
  const url = entry ? catalogueUrl(entry, options.mirror) : options.url;
  if (url === undefined)
    throw new PlatformError('invalid_input', 'models: give a catalogue id or a --url to pull');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PlatformError('invalid_input', `models: "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new PlatformError('invalid_input', `models: ${url} is not an http(s) URL`);
  const file = options.file ?? entry?.file ?? decodeURIComponent(basename(parsed.pathname));
  if (file === '' || file !== basename(file) || file.startsWith('.'))
    throw new PlatformError(
      'invalid_input',
      `models: cannot name a file after ${url}; pass a file name (--file)`,
    );
  const sha256 = entry?.sha256 ?? options.sha256?.toLowerCase();
  if (sha256 !== undefined && !/^[0-9a-f]{64}$/.test(sha256))
    throw new PlatformError('invalid_input', `models: --sha256 must be 64 hex digits`);
  return {
    url,
    file,
    id: entry?.id,
    expectedSha256: sha256,
    expectedSha256From: entry?.sha256 !== undefined ? 'catalogue' : sha256 ? 'option' : undefined,
    expectedSize: entry?.sizeBytes,
  };
}

async function alreadyInstalled(
  modelsDir: string,
  target: DownloadTarget,
  path: string,
): Promise<PullResult | undefined> {
  if (target.expectedSha256 === undefined) return undefined;
  const record = await readInstallRecord(modelsDir, target.file);
  if (record?.sha256 !== target.expectedSha256 || (await sizeOf(path)) !== record.sizeBytes)
    return undefined;
  return {
    path,
    file: target.file,
    id: target.id,
    sha256: record.sha256,
    sizeBytes: record.sizeBytes,
    source: record.source,
    verifiedAgainst: target.expectedSha256From,
    resumedFromBytes: 0,
    alreadyInstalled: true,
  };
}

/** Checks the finished part; deletes it (and throws) when size or sha256 is wrong. */
async function verify(
  target: DownloadTarget,
  partPath: string,
  done: CompletedDownload,
): Promise<PullResult['verifiedAgainst']> {
  const expectedSize = target.expectedSize ?? done.declaredSize;
  if (expectedSize !== undefined && done.sizeBytes !== expectedSize) {
    await rm(partPath, { force: true });
    throw new PlatformError(
      'model_rejected',
      `models: ${target.file} from ${target.url} has ${done.sizeBytes} bytes, expected ` +
        `${expectedSize}; the partial download was deleted — pull again, or check the mirror`,
    );
  }
  const expected = target.expectedSha256 ?? done.declaredSha256;
  if (expected === undefined) return undefined;
  if (done.sha256 !== expected) {
    await rm(partPath, { force: true });
    throw new PlatformError(
      'model_rejected',
      `models: checksum mismatch for ${target.file} from ${target.url}: expected sha256 ` +
        `${expected}, got ${done.sha256}; the partial download was deleted — pull again, or ` +
        'check the URL / HOMELAB_MODELS_MIRROR',
      { details: { expected, actual: done.sha256 } },
    );
  }
  return target.expectedSha256From ?? 'server';
}

async function sizeOf(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
