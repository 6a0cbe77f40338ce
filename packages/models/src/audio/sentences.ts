/**
 * Splits text into sentences for speech synthesis, so the first audio can be played while the
 * rest is still being synthesised. Over-long sentences are cut at a word boundary.
 */

/** After sentence-ending punctuation, at a blank line, or before a list item. */
const SENTENCE_END = /(?<=[.!?…。！？])\s+|\n\s*\n|\n(?=\s*[-*•])/u;

function cutLong(sentence: string, maxChars: number): string[] {
  const parts: string[] = [];
  let rest = sentence;
  while (rest.length > maxChars) {
    const space = rest.lastIndexOf(' ', maxChars);
    const cut = space > maxChars / 2 ? space : maxChars;
    parts.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest) parts.push(rest);
  return parts;
}

/**
 * The sentences of `text`, whitespace collapsed, none without a letter or digit, none longer
 * than `maxChars`.
 */
export function splitSentences(text: string, maxChars = 400): string[] {
  return text
    .split(SENTENCE_END)
    .map((sentence) => sentence.replace(/\s+/gu, ' ').trim())
    .filter((sentence) => /[\p{L}\p{N}]/u.test(sentence))
    .flatMap((sentence) => cutLong(sentence, maxChars));
}
