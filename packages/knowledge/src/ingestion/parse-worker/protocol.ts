/**
 * The messages between the ingestion and its parse workers: a job (a document's bytes, one share
 * of a PDF's pages, or one part of a Markdown text, with the chunking settings), and the replies
 * (chunks as they are ready, then `done` or `failed`). Chunk ordinals in a reply count from 0
 * within that reply.
 */
import type { ErrorCode } from '@homelab-ai/contracts';
import type { Chunk } from '../../chunk/index.js';
import type { OpenHeading } from '../../parse/markdown-split.js';
import type { PdfPageShare } from '../../parse/pdf.js';
import type { DocumentType } from '../../parse/types.js';

export interface ParseJobOptions {
  filename: string;
  contentType?: string | undefined;
  maxBytes?: number | undefined;
  maxUnzippedBytes?: number | undefined;
  csvRowsPerSection?: number | undefined;
  chunking: { maxTokens: number; overlapTokens: number };
}

export type ParseSource =
  | { kind: 'document'; bytes: Uint8Array }
  /** Only these pages of a PDF (its type already detected). */
  | { kind: 'pdf-share'; bytes: Uint8Array; share: PdfPageShare }
  /** One part of prepared Markdown text (see markdown-split.ts). */
  | { kind: 'markdown-part'; text: string };

export interface ParseJob extends ParseJobOptions {
  id: number;
  source: ParseSource;
}

/** Where a Markdown part's chunks sit under the headings of the parts before it. */
export interface MarkdownPartContext {
  topLevel: number;
  /** Per chunk of the part: the lowest heading level opened in the part up to its section. */
  chunkTopLevels: number[];
  openHeadings: OpenHeading[];
}

export type ParseReply =
  | { id: number; kind: 'chunks'; chunks: Chunk[] }
  | {
      id: number;
      kind: 'done';
      type: DocumentType;
      sectionCount: number;
      markdownPart?: MarkdownPartContext;
    }
  | { id: number; kind: 'failed'; error: { code: ErrorCode; message: string } };

export type ParseDone = Extract<ParseReply, { kind: 'done' }>;
