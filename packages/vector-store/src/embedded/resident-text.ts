/**
 * How a resident collection turns text into BM25 terms, kept close to Lance's default
 * full-text analyzer so that a small collection (searched in memory) and a large one (searched
 * by Lance) rank alike: split on anything that is not a letter or digit, lowercase, fold
 * accents, drop the English stop words and over-long tokens, stem (Porter).
 */
import { stemmer } from 'stemmer';

/** Longest token kept, as in Lance's default analyzer. */
const MAX_TOKEN_LENGTH = 40;

/** The classic English stop word list (Lucene's, which Lance's analyzer also drops). */
const STOP_WORDS = new Set(
  (
    'a an and are as at be but by for if in into is it no not of on or such that the their ' +
    'then there these they this to was will with'
  ).split(' '),
);

const NOT_WORD = /[^\p{L}\p{N}]+/u;
const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[^ -~]/;

/** Splits text into raw tokens. */
export function tokenize(text: string): string[] {
  return text.split(NOT_WORD);
}

/** One token as an indexed term, or null when it is dropped. */
export function toTerm(token: string): string | null {
  if (token.length === 0 || token.length > MAX_TOKEN_LENGTH) return null;
  const lower = token.toLowerCase();
  const folded = NON_ASCII.test(lower)
    ? lower.normalize('NFKD').replace(COMBINING_MARKS, '')
    : lower;
  if (STOP_WORDS.has(folded)) return null;
  return stemmer(folded);
}
