/**
 * Parses and chunks a document in the parse worker threads, so that the main event loop (chat,
 * the API) stays free: a PDF's pages are shared among the workers and a large Markdown text is
 * cut into parts (see markdown-split.ts), read in parallel; other types go to one worker.
 * Chunks reach `onChunks` as they are ready (e.g. to start embedding) and come back in
 * document order, with ordinals and heading paths as if the document had been read whole.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { Chunk } from '../../chunk/index.js';
import { headingsAfterPart, joinHeadingPaths, splitMarkdown } from '../../parse/markdown-split.js';
import type { OpenHeading } from '../../parse/markdown-split.js';
import {
  checkDocumentBytes,
  containsNoText,
  noExtractableText,
} from '../../parse/parse-document.js';
import { decodeTextStrict } from '../../parse/text-decoding.js';
import type { ParseOptions } from '../../parse/types.js';
import { parseWorkerPool } from './parse-pool.js';
import type { ParseDone, ParseSource } from './protocol.js';

export interface OffThreadParseOptions extends Omit<ParseOptions, 'signal'> {
  chunking: { maxTokens: number; overlapTokens: number };
  signal?: AbortSignal | undefined;
  /** Gets each group of chunks as soon as a worker has it (ordinals not final yet). */
  onChunks?: ((chunks: readonly Chunk[]) => void) | undefined;
}

/** Below these sizes a document is read whole by one worker: sharing would cost more. */
const SHARED_PDF_MIN_BYTES = 4 * 1024;
const SPLIT_MARKDOWN_MIN_CHARS = 64 * 1024;
/** Markdown parts per worker: later parts' chunks are embedded while earlier ones are read. */
const MARKDOWN_PARTS_PER_WORKER = 2;

/** Parses and chunks `bytes` off the main thread; throws the parser's PlatformError. */
export async function parseAndChunkOffThread(
  bytes: Uint8Array,
  options: OffThreadParseOptions,
): Promise<Chunk[]> {
  const { signal, onChunks, ...jobOptions } = options;
  const type = checkDocumentBytes(bytes, options);
  const pool = parseWorkerPool();
  const sources = await sourcesOf(type, bytes, options, pool.size);
  const stop = new AbortController();
  const jobSignal = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const parts: Chunk[][] = sources.map(() => []);
  // Markdown parts leave one worker's core to the embedding of the parts read before them.
  const lanes = sources[0]?.kind === 'markdown-part' ? Math.max(1, pool.size - 1) : sources.length;
  const jobs: Promise<ParseDone>[] = [];
  sources.forEach((source, index) => {
    const after = jobs[index - lanes]?.catch(() => undefined) ?? Promise.resolve();
    const job = after
      .then(() =>
        pool.run(
          { ...jobOptions, source },
          (chunks) => {
            parts[index]?.push(...chunks);
            onChunks?.(chunks);
          },
          jobSignal,
        ),
      )
      .catch((error: unknown) => {
        // The first failure ends the other parts; theirs ("cancelled") are not the reason.
        stop.abort(error);
        throw error;
      });
    jobs.push(job);
  });
  let done: ParseDone[];
  try {
    done = await Promise.all(jobs);
  } catch (error) {
    await Promise.allSettled(jobs);
    throw signal?.aborted ? cancelled(options.filename, signal.reason) : error;
  }
  if (sources.length > 1 && done.every((part) => part.sectionCount === 0)) {
    throw type === 'pdf'
      ? noExtractableText(options.filename)
      : containsNoText(options.filename, type);
  }
  if (type === 'markdown') restoreHeadingPaths(parts, done);
  const chunks = parts.flat();
  chunks.forEach((chunk, ordinal) => (chunk.ordinal = ordinal));
  return chunks;
}

async function sourcesOf(
  type: string,
  bytes: Uint8Array,
  options: OffThreadParseOptions,
  workers: number,
): Promise<ParseSource[]> {
  if (type === 'pdf' && bytes.length >= SHARED_PDF_MIN_BYTES && workers > 1) {
    return Array.from({ length: workers }, (_, index) => ({
      kind: 'pdf-share',
      bytes,
      share: { index, count: workers },
    }));
  }
  if (type === 'markdown' && bytes.length >= SPLIT_MARKDOWN_MIN_CHARS) {
    const { prepareMarkdown } = await import('../../parse/markdown.js');
    const text = prepareMarkdown(decodeTextStrict(bytes, options.filename));
    const parts = splitMarkdown(text, workers * MARKDOWN_PARTS_PER_WORKER);
    if (parts.length > 1) return parts.map((part) => ({ kind: 'markdown-part', text: part }));
  }
  return [{ kind: 'document', bytes }];
}

/** Puts the headings left open by earlier Markdown parts in front of later parts' paths. */
function restoreHeadingPaths(parts: readonly Chunk[][], done: readonly ParseDone[]): void {
  let open: OpenHeading[] = [];
  parts.forEach((chunks, index) => {
    const context = done[index]?.markdownPart;
    if (!context) return;
    if (open.length > 0) {
      chunks.forEach((chunk, at) => {
        const topLevel = context.chunkTopLevels[at] ?? context.topLevel;
        chunk.headingPath = joinHeadingPaths(open, topLevel, chunk.headingPath);
      });
    }
    open = headingsAfterPart(open, context.topLevel, context.openHeadings);
  });
}

function cancelled(filename: string, reason: unknown): PlatformError {
  return new PlatformError('cancelled', `parsing ${filename} was cancelled`, { cause: reason });
}
