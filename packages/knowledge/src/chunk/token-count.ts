/**
 * Token counting for chunk packing. The default is an approximate counter shaped like the
 * GPT (cl100k/o200k) pre-tokenizer: short words, number groups of up to three digits and
 * punctuation runs are one token each; long words, non-Latin letters and symbol runs cost
 * more. It leans towards over-counting so that chunks stay within a real tokenizer's budget,
 * and it is additive over whitespace-separated pieces, which packing relies on. A counter
 * with the same signature (e.g. an exact BPE tokenizer) can be passed instead.
 */

/** Counts the tokens of a text. */
export type TokenCounter = (text: string) => number;

const PIECE =
  /'(?:s|t|re|ve|m|ll|d)|[ ]?[A-Za-z]+|[ ]?\p{L}+|[ ]?[0-9]{1,3}|[ ]?\p{N}+|[ ]?[^\s\p{L}\p{N}]+|\s+/gu;

/** Approximate GPT-style token count (see the file header for how it leans). */
export function approximateTokenCount(text: string): number {
  let count = 0;
  PIECE.lastIndex = 0;
  for (let match = PIECE.exec(text); match !== null; match = PIECE.exec(text)) {
    count += pieceCost(match[0]);
  }
  return count;
}

function pieceCost(piece: string): number {
  const start = piece.charCodeAt(0) === 0x20 && piece.length > 1 ? 1 : 0;
  const length = piece.length - start;
  const code = piece.charCodeAt(start);
  if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) {
    return length <= 8 ? 1 : Math.ceil(length / 4); // the regex keeps ASCII words apart
  }
  if (code >= 0x30 && code <= 0x39) return 1; // a group of up to three digits
  if (isWhitespace(code)) return 1;
  if (code < 0x80) return Math.ceil(length / 2); // ASCII punctuation and symbols
  if (code >= 0xc0 && code <= 0x24f) return Math.ceil(length / 3); // accented Latin
  if (code >= 0x370 && code <= 0x4ff) return Math.ceil(length / 2); // Greek, Cyrillic
  // Non-Latin letters and digits, and other symbols: about one token per character.
  return length;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || (code >= 0x09 && code <= 0x0d) || code === 0xa0 || code === 0x3000;
}
