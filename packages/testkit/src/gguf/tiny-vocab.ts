/**
 * Shared pieces of the tiny test GGUF models: a deterministic PRNG and a small SentencePiece-style
 * ("llama" tokenizer) vocabulary with byte fallback.
 */
/** SentencePiece token types as used by llama.cpp (llama_token_type). */
export const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

/** SentencePiece word-boundary marker (U+2581), stands for a leading space. */
const SPACE = '\u2581';

/** mulberry32: tiny deterministic 32-bit PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** true for tokens that must never be sampled (specials and byte tokens). */
  suppressed: boolean[];
}

/**
 * Vocabulary: <unk>, <s>, </s>, the 256 byte-fallback tokens <0x00>..<0xFF>, every printable
 * ASCII char, "▁" + every letter, and a few short words together with all their "▁"-prefixes
 * (SentencePiece merges only through tokens that exist, so prefixes make the words reachable).
 * Scores: longer pieces score higher so the tokenizer prefers merging them.
 */
export function buildVocab(): Vocab {
  const v: Vocab = { tokens: [], scores: [], types: [], suppressed: [] };
  const seen = new Set<string>();
  const add = (text: string, type: number, score: number, suppressed: boolean): void => {
    if (seen.has(text)) return;
    seen.add(text);
    v.tokens.push(text);
    v.types.push(type);
    v.scores.push(score);
    v.suppressed.push(suppressed);
  };

  add('<unk>', TokenType.UNKNOWN, 0, true);
  add('<s>', TokenType.CONTROL, 0, true);
  add('</s>', TokenType.CONTROL, 0, true);
  for (let b = 0; b < 256; b++) {
    add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.BYTE, 0, true);
  }
  // Single printable ASCII characters ("!".."~") and the space marker.
  add(SPACE, TokenType.NORMAL, -1000, false);
  for (let c = 0x21; c <= 0x7e; c++) add(String.fromCharCode(c), TokenType.NORMAL, -1000, false);
  // Word-initial letters.
  for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
    add(SPACE + ch, TokenType.NORMAL, -900, false);
  // A few words plus every prefix of them (after "▁x").
  const words = [
    'the',
    'and',
    'hello',
    'world',
    'tiny',
    'model',
    'llama',
    'test',
    'token',
    'is',
    'of',
    'to',
    'in',
    'it',
    'you',
    'are',
  ];
  for (const w of words) {
    for (let n = 2; n <= w.length; n++)
      add(SPACE + w.slice(0, n), TokenType.NORMAL, -900 + n * 10, false);
  }
  return v;
}
