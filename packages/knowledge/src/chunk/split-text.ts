/**
 * Splitting helpers for the chunker: paragraphs into lines and sentences, and any text into
 * pieces of at most a token budget (by words, and by characters for a run without spaces).
 */
import type { TokenCounter } from './token-count.js';

const SENTENCE_END = /(?<=[.!?…])["'”’)\]]*\s+(?=["'“‘([]?[\p{Lu}\p{N}])|(?<=[。！？])/u;

/** The sentences of a paragraph, each line of it split separately (lists, table rows). */
export function splitSentences(paragraph: string): { text: string; separator: string }[] {
  const pieces: { text: string; separator: string }[] = [];
  for (const [lineIndex, line] of paragraph.split('\n').entries()) {
    for (const [sentenceIndex, sentence] of line.split(SENTENCE_END).entries()) {
      const text = sentence.trim();
      if (text === '') continue;
      pieces.push({ text, separator: sentenceIndex === 0 && lineIndex > 0 ? '\n' : ' ' });
    }
  }
  return pieces;
}

/**
 * Splits `text` into pieces of at most `budget` tokens, at spaces where possible. Each piece
 * says what joined it to the one before: a space, or nothing inside a cut word.
 */
export function splitByTokens(
  text: string,
  budget: number,
  count: TokenCounter,
): { text: string; separator: string }[] {
  const pieces: { text: string; separator: string }[] = [];
  let current = '';
  let currentTokens = 0;
  for (const word of text.split(/(?<=\s)/)) {
    const wordTokens = count(word);
    if (wordTokens > budget) {
      if (current.trim() !== '') pieces.push({ text: current.trim(), separator: ' ' });
      current = '';
      currentTokens = 0;
      splitByCharacters(word.trim(), budget, count).forEach((piece, index) =>
        pieces.push({ text: piece, separator: index === 0 ? ' ' : '' }),
      );
      continue;
    }
    if (currentTokens + wordTokens > budget && current.trim() !== '') {
      pieces.push({ text: current.trim(), separator: ' ' });
      current = '';
      currentTokens = 0;
    }
    current += word;
    currentTokens += wordTokens;
  }
  if (current.trim() !== '') pieces.push({ text: current.trim(), separator: ' ' });
  return pieces;
}

function splitByCharacters(word: string, budget: number, count: TokenCounter): string[] {
  const pieces: string[] = [];
  let start = 0;
  while (start < word.length) {
    let size = Math.max(1, budget);
    while (size > 1 && count(word.slice(start, start + size)) > budget) size = Math.ceil(size / 2);
    pieces.push(word.slice(start, start + size));
    start += size;
  }
  return pieces;
}

/** The end of `text` worth about `budget` tokens, starting at a sentence or word boundary. */
export function tailWithin(text: string, budget: number, count: TokenCounter): string {
  if (budget <= 0) return '';
  const words = text.split(/(?<=\s)/);
  let tokens = 0;
  let start = words.length;
  while (start > 0) {
    const wordTokens = count(words[start - 1] ?? '');
    if (tokens + wordTokens > budget) break;
    tokens += wordTokens;
    start -= 1;
  }
  const tail = words.slice(start).join('').trim();
  const sentenceStart = tail.search(/(?<=[.!?…。！？]["'”’)\]]*\s+)\S/u);
  // Start at a sentence when that keeps at least half of the overlap.
  return sentenceStart > 0 && sentenceStart <= tail.length / 2 ? tail.slice(sentenceStart) : tail;
}
