/**
 * Decides a file's document type: magic bytes first (a PDF header, a zip archive), then the
 * file name's extension, then the declared content type.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { DocumentType } from './types.js';

const EXTENSIONS: Record<string, DocumentType> = {
  pdf: 'pdf',
  docx: 'docx',
  html: 'html',
  htm: 'html',
  xhtml: 'html',
  md: 'markdown',
  markdown: 'markdown',
  mdx: 'markdown',
  txt: 'text',
  text: 'text',
  log: 'text',
  csv: 'csv',
  tsv: 'csv',
};

const CONTENT_TYPES: Record<string, DocumentType> = {
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/html': 'html',
  'application/xhtml+xml': 'html',
  'text/markdown': 'markdown',
  'text/x-markdown': 'markdown',
  'text/plain': 'text',
  'text/csv': 'csv',
  'text/tab-separated-values': 'csv',
};

export const SUPPORTED_TYPES_TEXT =
  'PDF (.pdf), Word (.docx), HTML (.html, .htm), Markdown (.md), plain text (.txt) and CSV (.csv)';

/** True when the bytes begin like a PDF (the header may follow up to 1 KB of junk). */
export function looksLikePdf(bytes: Uint8Array): boolean {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 1024));
  return head.includes('%PDF-');
}

/** True when the bytes begin with a zip local file header (or an empty zip's end record). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return (
    bytes[0] === 0x50 &&
    bytes[1] === 0x4b &&
    ((bytes[2] === 0x03 && bytes[3] === 0x04) || (bytes[2] === 0x05 && bytes[3] === 0x06))
  );
}

/** The type by magic bytes, else extension, else content type; throws for anything else. */
export function detectDocumentType(
  bytes: Uint8Array,
  filename: string,
  contentType?: string,
): DocumentType {
  if (looksLikePdf(bytes)) return 'pdf';
  if (looksLikeZip(bytes)) return 'docx'; // the DOCX parser checks for word/document.xml
  const extension = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase();
  const byExtension = extension === undefined ? undefined : EXTENSIONS[extension];
  if (byExtension) return byExtension;
  const mediaType = contentType?.split(';')[0]?.trim().toLowerCase();
  const byContentType = mediaType === undefined ? undefined : CONTENT_TYPES[mediaType];
  if (byContentType) return byContentType;
  const declared = [
    extension ? `extension .${extension}` : 'no extension',
    mediaType ? `content type ${mediaType}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  throw new PlatformError(
    'invalid_input',
    `${filename}: unsupported file type (${declared}); supported: ${SUPPORTED_TYPES_TEXT}`,
  );
}
