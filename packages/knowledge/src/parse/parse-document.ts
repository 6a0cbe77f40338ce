/**
 * The one entry point for turning an uploaded file into sections: checks size and emptiness,
 * detects the type, and hands the bytes to that type's parser. Every refusal is a
 * PlatformError naming the file and what to do.
 */
import { PlatformError } from '@homelab-ai/contracts';
import { detectDocumentType } from './detect-type.js';
import { textToDocument } from './plain-text.js';
import { decodeTextStrict } from './text-decoding.js';
import type { DocumentType, ParsedDocument, ParseOptions } from './types.js';

export const DEFAULT_MAX_DOCUMENT_BYTES = 50 * 1024 * 1024;

/** Parses a document's bytes into sections with heading paths (and page numbers for PDFs). */
export async function parseDocument(
  bytes: Uint8Array,
  options: ParseOptions,
): Promise<ParsedDocument> {
  const type = checkDocumentBytes(bytes, options);
  const parsed = await parseByType(type, bytes, options);
  throwIfCancelled(options.filename, options.signal);
  if (parsed.sections.length === 0) throw containsNoText(options.filename, type);
  return parsed;
}

/** The checks made before parsing (cancelled, too large, empty); returns the detected type. */
export function checkDocumentBytes(bytes: Uint8Array, options: ParseOptions): DocumentType {
  const { filename } = options;
  throwIfCancelled(filename, options.signal);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DOCUMENT_BYTES;
  if (bytes.length > maxBytes) {
    throw new PlatformError(
      'payload_too_large',
      `${filename}: ${bytes.length} bytes is over the ${maxBytes}-byte limit for documents; split it or raise the limit`,
    );
  }
  if (bytes.length === 0 || bytes.every((byte) => byte <= 0x20)) {
    throw new PlatformError('invalid_input', `${filename}: the file is empty`);
  }
  return detectDocumentType(bytes, filename, options.contentType);
}

/** The refusal of a PDF none of whose pages has text. */
export function noExtractableText(filename: string): PlatformError {
  return new PlatformError(
    'invalid_input',
    `${filename}: no extractable text (scanned PDF? OCR is not supported); upload a PDF with a text layer`,
  );
}

/** The refusal of a parsed document without any text. */
export function containsNoText(filename: string, type: DocumentType): PlatformError {
  return new PlatformError('invalid_input', `${filename}: the ${type} file contains no text`);
}

/**
 * The format parsers (pdf.js, mammoth, htmlparser2, marked, csv-parse) load on first use, so
 * that starting the platform does not pay for them.
 */
async function parseByType(
  type: ParsedDocument['type'],
  bytes: Uint8Array,
  options: ParseOptions,
): Promise<ParsedDocument> {
  const { filename } = options;
  switch (type) {
    case 'pdf':
      return (await import('./pdf.js')).pdfToDocument(
        bytes,
        filename,
        options.signal,
        options.maxUnzippedBytes,
      );
    case 'docx':
      if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
        throw new PlatformError(
          'invalid_input',
          `${filename}: not a valid DOCX (not a zip archive); save it as .docx from Word and re-upload it`,
        );
      }
      return (await import('./docx.js')).docxToDocument(bytes, filename, options.maxUnzippedBytes);
    case 'html':
      return (await import('./html.js')).htmlToDocument(decodeTextStrict(bytes, filename));
    case 'markdown':
      return (await import('./markdown.js')).markdownToDocument(decodeTextStrict(bytes, filename));
    case 'csv':
      return (await import('./csv.js')).csvToDocument(
        decodeTextStrict(bytes, filename),
        filename,
        options.csvRowsPerSection,
      );
    case 'text':
      return textToDocument(decodeTextStrict(bytes, filename));
  }
}

function throwIfCancelled(filename: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new PlatformError('cancelled', `parsing ${filename} was cancelled`, {
      cause: signal.reason,
    });
  }
}
