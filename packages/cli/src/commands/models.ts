/**
 * `homelab-ai models list|pull|remove`: the recommended-model catalogue, a resumable verified
 * download into HOMELAB_MODELS_DIR (HOMELAB_MODELS_MIRROR replaces https://huggingface.co), and
 * the exact variable line that makes the platform use the file.
 */
import { isAbsolute, relative } from 'node:path';
import { Option, type Command } from 'commander';
import { PlatformError } from '@homelab-ai/contracts';
import {
  MODEL_PATH_VARIABLES,
  getCatalogueEntry,
  listModels,
  pullModel,
  removeModel,
  type ModelKind,
  type ModelListing,
  type PullResult,
} from '@homelab-ai/models';
import { createProgressBar } from './progress-bar.js';
import { exitWith, loadConfigOrExit } from './shared.js';

const KINDS = Object.keys(MODEL_PATH_VARIABLES) as ModelKind[];

interface PullCommandOptions {
  url?: string;
  sha256?: string;
  file?: string;
  kind?: ModelKind;
}

export function registerModels(program: Command): void {
  const models = program
    .command('models')
    .description('List, download (resumable, checksum-verified) and remove model files')
    .addHelpText(
      'after',
      '\nFiles live in HOMELAB_MODELS_DIR (default ./models). HOMELAB_MODELS_MIRROR=<base URL> ' +
        'replaces https://huggingface.co for catalogue downloads.',
    );

  models
    .command('list')
    .description('Show the catalogue and what is installed, with the variable to set')
    .option('--json', 'print the listing as JSON')
    .action(async (options: { json?: boolean }) => {
      const { modelsDir } = loadConfigOrExit();
      const listings = await listModels(modelsDir).catch(exitWith);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(listings.map(toJson), null, 2)}\n`);
        return;
      }
      process.stdout.write(`Models in ${modelsDir} (HOMELAB_MODELS_DIR):\n`);
      process.stdout.write(formatTable(listings));
    });

  models
    .command('pull')
    .description('Download a catalogue model (or any --url) into HOMELAB_MODELS_DIR')
    .argument('[id]', 'catalogue id (see `homelab-ai models list`)')
    .option('--url <url>', 'download this file instead of a catalogue entry')
    .option('--sha256 <hex>', 'expected sha256 of the --url file')
    .option('--file <name>', 'save under this file name (default: from the URL)')
    .addOption(
      new Option('--kind <kind>', 'what the --url file is, to print its variable').choices(KINDS),
    )
    .action(async (id: string | undefined, options: PullCommandOptions) => {
      if ((id === undefined) === (options.url === undefined))
        exitWith(new PlatformError('invalid_input', 'models pull: give either an id or --url'));
      const config = loadConfigOrExit();
      const mirror = readMirror();
      const entry = id === undefined ? undefined : getCatalogueOrExit(id);
      const abort = new AbortController();
      const onSignal = () => abort.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      const bar = createProgressBar(process.stderr);
      let result: PullResult;
      try {
        result = await pullModel({
          entry,
          url: options.url,
          sha256: options.sha256,
          file: options.file,
          modelsDir: config.modelsDir,
          mirror,
          signal: abort.signal,
          onProgress: (progress) => bar.update(progress),
          onRetry: ({ error, attempt, waitMs }) =>
            bar.note(
              `${error.message}; resuming in ${(waitMs / 1000).toFixed(0)} s (attempt ${attempt})`,
            ),
        });
      } catch (error) {
        bar.finish();
        exitWith(error);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      bar.finish();
      printPulled(result, entry?.kind ?? options.kind);
    });

  models
    .command('remove')
    .alias('rm')
    .description('Delete an installed model (by catalogue id or file name)')
    .argument('<id>', 'catalogue id or file name')
    .action(async (id: string) => {
      const { modelsDir } = loadConfigOrExit();
      const removed = await removeModel(modelsDir, id).catch(exitWith);
      for (const path of removed) process.stdout.write(`removed ${displayPath(path)}\n`);
    });
}

function printPulled(result: PullResult, kind: ModelKind | undefined): void {
  const verified =
    result.verifiedAgainst === undefined
      ? 'NOT verified: no checksum was known (pass --sha256)'
      : `sha256 verified against the ${result.verifiedAgainst === 'option' ? '--sha256 value' : result.verifiedAgainst}`;
  const what = result.id ?? result.file;
  const state = result.alreadyInstalled ? 'already installed' : 'installed';
  process.stdout.write(
    `${what} ${state}: ${displayPath(result.path)} (${megabytes(result.sizeBytes)} MB, ${verified})\n`,
  );
  const line = `${displayPath(result.path)}`;
  if (kind) process.stdout.write(`Use it with:\n${MODEL_PATH_VARIABLES[kind]}=${line}\n`);
  else
    process.stdout.write(
      `Point LLM_MODEL_PATH, EMBEDDINGS_MODEL_PATH, RERANKER_MODEL_PATH or WHISPER_MODEL_PATH at ${line}\n`,
    );
}

function formatTable(listings: ModelListing[]): string {
  const rows = listings.map((listing) => [
    listing.id ?? listing.file,
    listing.kind ?? '?',
    `${megabytes(listing.entry?.sizeBytes ?? listing.sizeOnDisk ?? 0)} MB`,
    installedLabel(listing),
    listing.installed && listing.variable
      ? `${listing.variable}=${displayPath(listing.path)}`
      : (listing.variable ?? ''),
  ]);
  const header = ['ID', 'KIND', 'SIZE', 'INSTALLED', 'VARIABLE'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

function installedLabel(listing: ModelListing): string {
  if (listing.installed) return listing.record?.verified ? 'yes (verified)' : 'yes';
  if (listing.partialBytes !== undefined) {
    const total = listing.entry?.sizeBytes;
    return total ? `partial ${((100 * listing.partialBytes) / total).toFixed(0)}%` : 'partial';
  }
  return 'no';
}

function toJson(listing: ModelListing) {
  return {
    id: listing.id ?? null,
    file: listing.file,
    path: listing.path,
    kind: listing.kind ?? null,
    variable: listing.variable ?? null,
    installed: listing.installed,
    sizeBytes: listing.entry?.sizeBytes ?? null,
    sizeOnDisk: listing.sizeOnDisk ?? null,
    partialBytes: listing.partialBytes ?? null,
    sha256: listing.record?.sha256 ?? listing.entry?.sha256 ?? null,
    licence: listing.entry?.licence ?? null,
    description: listing.entry?.description ?? null,
  };
}

/** HOMELAB_MODELS_MIRROR, checked to be an http(s) URL (exit 2 naming the variable if not). */
function readMirror(): string | undefined {
  const value = process.env.HOMELAB_MODELS_MIRROR?.trim();
  if (!value) return undefined;
  let protocol = '';
  try {
    protocol = new URL(value).protocol;
  } catch {
    // reported below
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    exitWith(
      new PlatformError(
        'invalid_config',
        `HOMELAB_MODELS_MIRROR: must be an http(s) base URL replacing https://huggingface.co, got "${value}"`,
      ),
    );
  return value;
}

function getCatalogueOrExit(id: string) {
  try {
    return getCatalogueEntry(id);
  } catch (error) {
    exitWith(error);
  }
}

/** Relative to the working directory when inside it (as HOMELAB_MODELS_DIR resolves), else absolute. */
function displayPath(path: string): string {
  const fromHere = relative(process.cwd(), path);
  return fromHere.startsWith('..') || isAbsolute(fromHere) ? path : fromHere;
}

function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
