/**
 * A parse worker thread: parses and chunks one document (or one share of a PDF's pages, or one
 * part of a Markdown text) at a time, off the main event loop, and posts the chunks back as
 * they are ready. It loads the parsers as it starts, so that the first document does not wait,
 * and runs at a lower priority than the event loop, so that parsing never slows a conversation.
 */
import { parentPort } from 'node:worker_threads';
import { lowerThisThreadPriority, toPlatformError } from '@homelab-ai/contracts';
import { chunkDocument } from '../../chunk/index.js';
import { parseDocument } from '../../parse/index.js';
import type { Section } from '../../parse/types.js';
import type { ParseDone, ParseJob, ParseReply } from './protocol.js';

/** Pages read before their chunks are posted, so that embedding can start early. */
const PDF_BATCH_PAGES = 8;

const port = parentPort;
if (!port) throw new Error('parse-worker.js runs as a worker thread only');
lowerThisThreadPriority();
const post = (reply: ParseReply): void => port.postMessage(reply);
const loadingPdf = import('../../parse/pdf.js');
const loadingMarkdown = import('../../parse/markdown.js');
// Warm-up only: a failure shows when a job needs the parser.
loadingPdf.catch(() => undefined);
loadingMarkdown.catch(() => undefined);

port.on('message', (job: ParseJob) => void run(job));

async function run(job: ParseJob): Promise<void> {
  try {
    post(await parse(job));
  } catch (error) {
    const { code, message } = toPlatformError(error);
    post({ id: job.id, kind: 'failed', error: { code, message } });
  }
}

async function parse(job: ParseJob): Promise<ParseDone> {
  const { id, source } = job;
  const chunk = (sections: Section[]) => chunkDocument({ sections }, job.chunking);
  switch (source.kind) {
    case 'pdf-share': {
      const { readPdfPages } = await loadingPdf;
      const { sections } = await readPdfPages(source.bytes, job.filename, {
        maxDecodedBytes: job.maxUnzippedBytes,
        share: source.share,
        batchPages: PDF_BATCH_PAGES,
        onSections: (batch) => post({ id, kind: 'chunks', chunks: chunk(batch) }),
      });
      return { id, kind: 'done', type: 'pdf', sectionCount: sections.length };
    }
    case 'markdown-part': {
      const { markdownSections } = await loadingMarkdown;
      const builder = markdownSections(source.text);
      const sections = builder.finish();
      const { topLevel, sectionTopLevels, openHeadings } = builder.partContext();
      const chunkTopLevels: number[] = [];
      const chunks = sections.flatMap((section, index) => {
        const sectionChunks = chunk([section]);
        const level = sectionTopLevels[index] ?? topLevel;
        chunkTopLevels.push(...sectionChunks.map(() => level));
        return sectionChunks;
      });
      post({ id, kind: 'chunks', chunks });
      return {
        id,
        kind: 'done',
        type: 'markdown',
        sectionCount: sections.length,
        markdownPart: { topLevel, chunkTopLevels, openHeadings },
      };
    }
    case 'document': {
      const parsed = await parseDocument(source.bytes, job);
      post({ id, kind: 'chunks', chunks: chunk(parsed.sections) });
      return { id, kind: 'done', type: parsed.type, sectionCount: parsed.sections.length };
    }
  }
}
