/**
 * The shapes the parsers produce: a document is a list of sections, each the text under one
 * heading path (or one PDF page, or one group of CSV rows). Paragraphs inside a section are
 * separated by a blank line, which is what the chunker splits on.
 */

export const DOCUMENT_TYPES = ['pdf', 'docx', 'html', 'markdown', 'text', 'csv'] as const;

export type DocumentType = (typeof DOCUMENT_TYPES)[number];

export interface Section {
  text: string;
  headingPath: string[];
  page?: number;
}

export interface ParsedDocument {
  type: DocumentType;
  title?: string;
  sections: Section[];
}

export interface ParseOptions {
  /** The uploaded file's name: named in every error and used to detect the type. */
  filename: string;
  contentType?: string | undefined;
  /** Larger files are refused with `payload_too_large` (default 50 MB). */
  maxBytes?: number | undefined;
  /**
   * A DOCX whose entries, or a PDF whose streams, unpack to more than this is refused as a
   * decompression bomb (default 200 MB).
   */
  maxUnzippedBytes?: number | undefined;
  /** CSV rows per section (default 20); the header is repeated in each. */
  csvRowsPerSection?: number | undefined;
  signal?: AbortSignal | undefined;
}
