/**
 * What the loopback model servers compute instead of running a model: deterministic hashed
 * word vectors (texts sharing words get similar vectors), word-overlap relevance scores, and
 * tone audio whose length follows the text. Fast enough for benchmarks.
 */
import { wavFromPcm } from '../audio/wav-header.js';

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** A unit vector of `dimensions` built by hashing the words of `text`. */
export function hashedVector(text: string, dimensions = 384): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  for (const word of words(text)) {
    const hash = fnv1a(word);
    const slot = hash % dimensions;
    vector[slot] = (vector[slot] ?? 0) + (hash & 0x80000000 ? -1 : 1);
  }
  const norm = Math.hypot(...vector);
  if (norm === 0) {
    vector[0] = 1;
    return vector;
  }
  return vector.map((value) => value / norm);
}

/** Share of the query's distinct words that occur in the document, in [0, 1]. */
export function overlapScore(query: string, document: string): number {
  const queryWords = new Set(words(query));
  if (queryWords.size === 0) return 0;
  const documentWords = new Set(words(document));
  let shared = 0;
  for (const word of queryWords) if (documentWords.has(word)) shared++;
  return shared / queryWords.size;
}

/** Mono s16le samples of a 440 Hz tone. */
export function tonePcm(durationMs: number, sampleRate: number): Uint8Array {
  const samples = Math.round((durationMs / 1000) * sampleRate);
  const pcm = new Uint8Array(samples * 2);
  const view = new DataView(pcm.buffer);
  for (let index = 0; index < samples; index++)
    view.setInt16(
      index * 2,
      Math.round(8000 * Math.sin((2 * Math.PI * 440 * index) / sampleRate)),
      true,
    );
  return pcm;
}

/** Speech-like length: 5 ms of tone per character, at least 50 ms. */
export function speechDurationMs(text: string): number {
  return Math.max(50, text.length * 5);
}

/** A WAV file of tone as long as speaking `text` would take. */
export function toneWavFor(text: string, sampleRate: number): Uint8Array {
  return wavFromPcm(tonePcm(speechDurationMs(text), sampleRate), sampleRate);
}
