/**
 * What is in HOMELAB_MODELS_DIR: every catalogue entry (installed, partly downloaded, or not),
 * plus any other model file found there; removing an installed model; and finding an installed
 * catalogue model of a kind (for defaults such as "a catalogue embedding model").
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PlatformError } from '@homelab-ai/contracts';
import {
  CATALOGUE,
  findCatalogueEntry,
  modelPathVariable,
  type CatalogueEntry,
  type ModelKind,
} from './catalogue.js';
import { readInstallRecord, removeInstallRecord, type InstallRecord } from './install-record.js';

export interface ModelListing {
  /** Catalogue id; undefined for a file that is not in the catalogue. */
  id: string | undefined;
  file: string;
  path: string;
  kind: ModelKind | undefined;
  /** Variable to set to use it, e.g. LLM_MODEL_PATH (undefined when the kind is unknown). */
  variable: string | undefined;
  entry: CatalogueEntry | undefined;
  installed: boolean;
  /** Bytes on disk of the installed file. */
  sizeOnDisk: number | undefined;
  /** Bytes of an unfinished `.part` download, when there is one. */
  partialBytes: number | undefined;
  record: InstallRecord | undefined;
}

const MODEL_FILE = /\.(gguf|bin)$/i;

/** Catalogue entries with their state, then the other .gguf/.bin files in `modelsDir`. */
export async function listModels(modelsDir: string): Promise<ModelListing[]> {
  const names = await readdirOrEmpty(modelsDir);
  const listings: ModelListing[] = [];
  for (const entry of CATALOGUE) listings.push(await describe(modelsDir, entry.file, entry));
  const catalogueFiles = new Set(CATALOGUE.map((entry) => entry.file));
  for (const name of names.sort()) {
    if (!MODEL_FILE.test(name) || catalogueFiles.has(name)) continue;
    const listing = await describe(modelsDir, name, undefined);
    if (listing.installed) listings.push(listing);
  }
  return listings;
}

/**
 * Deletes an installed model (by catalogue id or file name), its install record and any
 * unfinished part. Returns the paths removed; throws not_found when there was nothing.
 */
export async function removeModel(modelsDir: string, idOrFile: string): Promise<string[]> {
  const file = findCatalogueEntry(idOrFile)?.file ?? idOrFile;
  if (file !== basename(file) || !MODEL_FILE.test(file))
    throw new PlatformError(
      'invalid_input',
      `models: "${idOrFile}" is neither a catalogue id nor a .gguf/.bin file name in ${modelsDir}`,
    );
  const removed: string[] = [];
  for (const path of [join(modelsDir, file), join(modelsDir, `${file}.part`)]) {
    if ((await sizeOf(path)) === undefined) continue;
    await rm(path, { force: true });
    removed.push(path);
  }
  await removeInstallRecord(modelsDir, file);
  if (removed.length === 0)
    throw new PlatformError(
      'not_found',
      `models: "${idOrFile}" is not installed in ${modelsDir} (see \`homelab-ai models list\`)`,
    );
  return removed;
}

/** Path of the first installed catalogue model of `kind`, in catalogue order, or undefined. */
export async function findInstalledModel(
  modelsDir: string,
  kind: ModelKind,
): Promise<string | undefined> {
  for (const entry of CATALOGUE) {
    if (entry.kind !== kind) continue;
    const path = join(modelsDir, entry.file);
    if ((await sizeOf(path)) !== undefined) return path;
  }
  return undefined;
}

async function describe(
  modelsDir: string,
  file: string,
  entry: CatalogueEntry | undefined,
): Promise<ModelListing> {
  const path = join(modelsDir, file);
  const sizeOnDisk = await sizeOf(path);
  const record = sizeOnDisk === undefined ? undefined : await readInstallRecord(modelsDir, file);
  const kind = entry?.kind ?? guessKind(file);
  return {
    id: entry?.id ?? record?.id,
    file,
    path,
    kind,
    variable: kind ? modelPathVariable({ kind }) : undefined,
    entry,
    installed: sizeOnDisk !== undefined,
    sizeOnDisk,
    partialBytes: await sizeOf(`${path}.part`),
    record,
  };
}

/** whisper.cpp models are `ggml-*.bin`; other GGUF files could be anything. */
function guessKind(file: string): ModelKind | undefined {
  return /^ggml-.*\.bin$/i.test(file) ? 'stt' : undefined;
}

async function readdirOrEmpty(directory: string): Promise<string[]> {
  try {
    return await readdir(directory);
  } catch {
    return [];
  }
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.size : undefined;
  } catch {
    return undefined;
  }
}
