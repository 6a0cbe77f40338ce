/**
 * Reads a WAV that arrives piece by piece (a streamed header of unknown length, then samples)
 * and hands on whole samples as soon as they arrive.
 */
import type { PlatformError } from '@homelab-ai/contracts';
import { tryReadWavHeader, type WavHeader } from '../audio/wav-header.js';

export interface PcmPiece {
  pcm: Uint8Array;
  sampleRate: number;
  channels: number;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const joined = new Uint8Array(a.length + b.length);
  joined.set(a);
  joined.set(b, a.length);
  return joined;
}

const HEADER_LIMIT = 64 * 1024;

export async function* readStreamedWav(
  body: AsyncIterable<Uint8Array>,
  malformed: (what: string) => PlatformError,
): AsyncGenerator<PcmPiece> {
  let pending: Uint8Array = new Uint8Array(0);
  let header: WavHeader | undefined;
  for await (const piece of body) {
    pending = concat(pending, piece);
    if (!header) {
      header = tryReadWavHeader(pending);
      if (!header) {
        if (pending.length > HEADER_LIMIT) throw malformed('streamed no readable WAV header');
        continue;
      }
      if (header.bitsPerSample !== 16)
        throw malformed(`streamed ${header.bitsPerSample}-bit audio; only 16-bit PCM is read`);
      pending = pending.subarray(header.dataOffset);
    }
    const frameBytes = header.channels * 2;
    const usable = pending.length - (pending.length % frameBytes);
    if (usable === 0) continue;
    yield {
      pcm: pending.slice(0, usable),
      sampleRate: header.sampleRate,
      channels: header.channels,
    };
    pending = pending.slice(usable);
  }
  if (!header) throw malformed('ended before a WAV header');
}
