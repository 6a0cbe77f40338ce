/**
 * PDF to sections with pdf.js, one per page with its page number. Refuses, with a reason a
 * person can act on: a truncated or corrupt file, an encrypted one, and one without
 * extractable text (a scan).
 */
import type { PDFDocumentProxy, TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { PlatformError } from '@homelab-ai/contracts';
import { noExtractableText } from './parse-document.js';
import { assertNoStreamBomb } from './pdf-stream-guard.js';
import { layOutPageText, type PositionedText } from './pdf-layout.js';
import { loadPdfJs } from './pdfjs-loader.js';
import type { ParsedDocument, Section } from './types.js';

/** One of `count` equal runs of pages (0-based `index`), for parsing a PDF in parallel. */
export interface PdfPageShare {
  index: number;
  count: number;
}

export interface PdfPages {
  pageCount: number;
  /** Read by the first share only. */
  title?: string;
  sections: Section[];
}

export interface ReadPdfPagesOptions {
  signal?: AbortSignal | undefined;
  maxDecodedBytes?: number | undefined;
  /** The pages to read (default: all). */
  share?: PdfPageShare | undefined;
  /** Called with the sections of each run of `batchPages` pages as soon as they are read. */
  onSections?: ((sections: Section[]) => void) | undefined;
  batchPages?: number | undefined;
}

/**
 * Extracts each page's text; checks `signal` between pages. Compressed streams may inflate to
 * `maxDecodedBytes` in all (default: the zip limit, 200 MB).
 */
export async function pdfToDocument(
  bytes: Uint8Array,
  filename: string,
  signal?: AbortSignal,
  maxDecodedBytes?: number,
): Promise<ParsedDocument> {
  const { sections, title } = await readPdfPages(bytes, filename, { signal, maxDecodedBytes });
  if (sections.length === 0) throw noExtractableText(filename);
  return { type: 'pdf', ...(title ? { title } : {}), sections };
}

/** The sections (one per page with text) of the pages in `options.share`. */
export async function readPdfPages(
  bytes: Uint8Array,
  filename: string,
  options: ReadPdfPagesOptions = {},
): Promise<PdfPages> {
  const { signal, share = { index: 0, count: 1 }, batchPages = 1 } = options;
  assertComplete(bytes, filename);
  assertNoStreamBomb(bytes, filename, options.maxDecodedBytes);
  const pdf = await loadPdf(bytes, filename);
  try {
    const sections: Section[] = [];
    const first = Math.floor((share.index * pdf.numPages) / share.count) + 1;
    const last = Math.floor(((share.index + 1) * pdf.numPages) / share.count);
    let batch: Section[] = [];
    for (let pageNumber = first; pageNumber <= last; pageNumber += 1) {
      if (signal?.aborted) {
        throw new PlatformError('cancelled', `parsing ${filename} was cancelled`, {
          cause: signal.reason,
        });
      }
      const text = await readPageText(pdf, pageNumber);
      if (text !== '') batch.push({ text, headingPath: [], page: pageNumber });
      if (
        batch.length > 0 &&
        ((pageNumber - first + 1) % batchPages === 0 || pageNumber === last)
      ) {
        sections.push(...batch);
        options.onSections?.(batch);
        batch = [];
      }
    }
    const title = share.index === 0 ? await readTitle(pdf) : undefined;
    return { pageCount: pdf.numPages, ...(title ? { title } : {}), sections };
  } catch (error) {
    throw refusal(filename, error);
  } finally {
    await pdf.destroy();
  }
}

/** A PDF ends with %%EOF (perhaps followed by a little whitespace); a cut-off one does not. */
function assertComplete(bytes: Uint8Array, filename: string): void {
  const tail = new TextDecoder('latin1').decode(bytes.subarray(Math.max(0, bytes.length - 2048)));
  if (!tail.includes('%%EOF')) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: corrupt or truncated PDF (no end-of-file marker); upload the complete file again`,
    );
  }
}

async function loadPdf(bytes: Uint8Array, filename: string): Promise<PDFDocumentProxy> {
  const { getDocument } = await loadPdfJs();
  const task = getDocument({
    data: new Uint8Array(bytes), // pdf.js takes ownership of (detaches) the buffer it is given
    disableFontFace: true,
    isEvalSupported: false,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (error) {
    await task.destroy();
    throw refusal(filename, error);
  }
}

async function readPageText(pdf: PDFDocumentProxy, pageNumber: number): Promise<string> {
  const page = await pdf.getPage(pageNumber);
  try {
    const content = await page.getTextContent();
    const items: PositionedText[] = [];
    for (const item of content.items) {
      if (!('str' in item)) continue;
      items.push(positioned(item));
    }
    return layOutPageText(items);
  } finally {
    page.cleanup();
  }
}

function positioned(item: TextItem): PositionedText {
  const transform = item.transform as number[];
  const [a = 0, b = 0, c = 0, d = 0, x = 0, y = 0] = transform;
  const fontSize = item.height > 0 ? item.height : Math.hypot(c, d) || Math.hypot(a, b);
  return { str: item.str, hasEOL: item.hasEOL, x, y, width: item.width, fontSize };
}

async function readTitle(pdf: PDFDocumentProxy): Promise<string | undefined> {
  try {
    const { info } = await pdf.getMetadata();
    const title: unknown = (info as Record<string, unknown>)['Title'];
    return typeof title === 'string' ? title.trim() || undefined : undefined;
  } catch {
    return undefined; // an unreadable Info dictionary only costs the title
  }
}

/** pdf.js errors as PlatformErrors (pdf.js errors cross its worker boundary by `name`). */
function refusal(filename: string, error: unknown): PlatformError {
  if (error instanceof PlatformError) return error;
  const name = error instanceof Error ? error.name : '';
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  if (name === 'PasswordException') {
    return new PlatformError(
      'invalid_input',
      `${filename}: the PDF is encrypted (password-protected); remove the protection and upload it again`,
      { cause: error },
    );
  }
  if (name === 'InvalidPDFException') {
    return new PlatformError(
      'invalid_input',
      `${filename}: corrupt or truncated PDF (${reason}); re-export or upload the complete file again`,
      { cause: error },
    );
  }
  return new PlatformError(
    'invalid_input',
    `${filename}: unreadable PDF (${reason}); re-export or re-upload the file`,
    { cause: error },
  );
}
