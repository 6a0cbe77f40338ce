/**
 * Cuts a parsed document into chunks for embedding. Chunks follow the document's structure:
 * a chunk never spans two sections (headings, pages, CSV row groups); whole paragraphs are
 * packed up to `maxTokens`; a paragraph too long for one chunk is split by sentences, and a
 * sentence too long by words. Each chunk after the first in a section begins with about
 * `overlapTokens` of the previous chunk's tail, so a fact cut at a boundary is still found
 * whole. Chunk text carries no prefix; the heading path travels as metadata.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { ParsedDocument, Section } from '../parse/types.js';
import { splitByTokens, splitSentences, tailWithin } from './split-text.js';
import { approximateTokenCount, type TokenCounter } from './token-count.js';

export interface Chunk {
  /** Position of the chunk in the document, from 0. */
  ordinal: number;
  text: string;
  tokenCount: number;
  headingPath: string[];
  page?: number;
}

export interface ChunkOptions {
  maxTokens?: number;
  overlapTokens?: number;
  /** Defaults to the approximate counter (see token-count.ts). */
  countTokens?: TokenCounter;
}

export const DEFAULT_MAX_TOKENS = 512;
export const DEFAULT_OVERLAP_TOKENS = 64;
const PARAGRAPH_BREAK = '\n\n';

interface Unit {
  text: string;
  tokens: number;
  /** What joins it to the unit before it: a paragraph break, a line break or a space. */
  separator: string;
}

/** Chunks every section of `document`; ordinals run across the whole document. */
export function chunkDocument(
  document: Pick<ParsedDocument, 'sections'>,
  options: ChunkOptions = {},
): Chunk[] {
  const maxTokens = options.maxTokens ?? DEFAULT_MAX_TOKENS;
  const overlapTokens = options.overlapTokens ?? DEFAULT_OVERLAP_TOKENS;
  const count = options.countTokens ?? approximateTokenCount;
  if (!Number.isInteger(maxTokens) || maxTokens < 16) {
    throw new PlatformError(
      'invalid_input',
      `chunking: maxTokens must be an integer ≥ 16, got ${maxTokens}`,
    );
  }
  if (!Number.isInteger(overlapTokens) || overlapTokens < 0 || overlapTokens > maxTokens / 2) {
    throw new PlatformError(
      'invalid_input',
      `chunking: overlapTokens must be an integer from 0 to maxTokens / 2 (${maxTokens / 2}), got ${overlapTokens}`,
    );
  }
  const chunks: Chunk[] = [];
  for (const section of document.sections) {
    for (const text of chunkSection(section, maxTokens, overlapTokens, count)) {
      chunks.push({
        ordinal: chunks.length,
        text,
        tokenCount: count(text),
        headingPath: [...section.headingPath],
        ...(section.page === undefined ? {} : { page: section.page }),
      });
    }
  }
  return chunks;
}

function chunkSection(
  section: Section,
  maxTokens: number,
  overlapTokens: number,
  count: TokenCounter,
): string[] {
  const separatorCosts = new Map<string, number>();
  const separatorCost = (separator: string): number => {
    let cost = separatorCosts.get(separator);
    if (cost === undefined) {
      cost = separator === '' ? 0 : count(separator);
      separatorCosts.set(separator, cost);
    }
    return cost;
  };
  const separatorTokens = separatorCost(PARAGRAPH_BREAK);
  // A unit must fit in a chunk behind an overlap and a separator.
  const unitBudget = maxTokens - overlapTokens - separatorTokens;
  const texts: string[] = [];
  let text = '';
  let tokens = 0;
  for (const unit of sectionUnits(section.text, unitBudget, count)) {
    if (text !== '' && tokens + separatorCost(unit.separator) + unit.tokens > maxTokens) {
      texts.push(text);
      text = tailWithin(text, overlapTokens, count);
      tokens = text === '' ? 0 : count(text);
    }
    tokens += (text === '' ? 0 : separatorCost(unit.separator)) + unit.tokens;
    text = text === '' ? unit.text : text + unit.separator + unit.text;
  }
  if (text !== '') texts.push(text);
  return texts;
}

function* sectionUnits(sectionText: string, budget: number, count: TokenCounter): Generator<Unit> {
  for (const paragraph of sectionText.split(/\n[ \t]*\n/)) {
    const trimmed = paragraph.trim();
    if (trimmed === '') continue;
    const tokens = count(trimmed);
    if (tokens <= budget) {
      yield { text: trimmed, tokens, separator: PARAGRAPH_BREAK };
      continue;
    }
    let first = true;
    for (const sentence of splitSentences(trimmed)) {
      const pieces = splitByTokens(sentence.text, budget, count);
      for (const [index, piece] of pieces.entries()) {
        const separator = first
          ? PARAGRAPH_BREAK
          : index === 0
            ? sentence.separator
            : piece.separator;
        yield { text: piece.text, tokens: count(piece.text), separator };
        first = false;
      }
    }
  }
}
