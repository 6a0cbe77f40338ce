/**
 * Refuses PDF decompression bombs before pdf.js inflates anything: every zlib (FlateDecode)
 * stream in the file is inflated, only counting the output, and the file is refused once the
 * total passes the limit. pdf.js itself has no such limit. Counting stops once the rest of the
 * file could not unpack past the limit even at deflate's largest ratio. Native zlib inflates
 * each stream with the remaining budget as its output limit; a stream it cannot read to the end
 * (corrupt past some point) is counted again in small steps with fflate, up to where it breaks.
 */
import { constants, inflateSync } from 'node:zlib';
import { Unzlib } from 'fflate';
import { PlatformError } from '@homelab-ai/contracts';
import { DEFAULT_MAX_UNZIPPED_BYTES } from './zip-guard.js';

const STEP = 16 * 1024;
/** Deflate's largest possible expansion: a 258-byte match coded in two bits. */
const DEFLATE_MAX_RATIO = 1032;

/** Throws `invalid_input` when the PDF's compressed streams would inflate past the limit. */
export function assertNoStreamBomb(
  bytes: Uint8Array,
  filename: string,
  maxDecodedBytes = DEFAULT_MAX_UNZIPPED_BYTES,
): void {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let total = 0;
  for (let at = buffer.indexOf('stream'); at !== -1; at = buffer.indexOf('stream', at + 6)) {
    if (buffer.toString('latin1', at - 3, at) === 'end') continue;
    let start = at + 6;
    if (buffer[start] === 0x0d) start += 1;
    if (buffer[start] === 0x0a) start += 1;
    // What is left of the file cannot unpack past the limit: nothing more to count.
    if (total + (buffer.length - start) * DEFLATE_MAX_RATIO <= maxDecodedBytes) return;
    if (!isZlibHeader(buffer[start], buffer[start + 1])) continue;
    const end = buffer.indexOf('endstream', start);
    total += inflatedSize(
      buffer.subarray(start, end === -1 ? buffer.length : end),
      maxDecodedBytes - total,
    );
    if (total > maxDecodedBytes) {
      throw new PlatformError(
        'invalid_input',
        `${filename}: refused as a possible decompression bomb (its streams unpack to more than ${(maxDecodedBytes / (1024 * 1024)).toFixed(1)} MB); re-export the PDF or raise the limit`,
      );
    }
  }
}

function isZlibHeader(first: number | undefined, second: number | undefined): boolean {
  if (first === undefined || second === undefined) return false;
  return (first & 0x0f) === 8 && first >> 4 <= 7 && ((first << 8) | second) % 31 === 0;
}

/** Bytes the stream inflates to, counted up to just past `budget`; broken data counts as read. */
function inflatedSize(data: Uint8Array, budget: number): number {
  try {
    // A cut-off stream gives what it holds (sync flush); past the budget it throws RangeError.
    return inflateSync(data, {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, budget + 1),
    }).length;
  } catch (error) {
    if (error instanceof RangeError) return budget + 1;
    return inflatedSizeInSteps(data, budget);
  }
}

/** `inflatedSize` for a stream zlib refuses: the output before the break still counts. */
function inflatedSizeInSteps(data: Uint8Array, budget: number): number {
  let size = 0;
  const inflater = new Unzlib((chunk) => {
    size += chunk.length;
  });
  try {
    for (let offset = 0; offset < data.length && size <= budget; offset += STEP) {
      inflater.push(data.subarray(offset, offset + STEP), offset + STEP >= data.length);
    }
  } catch {
    // not really zlib, or cut short: pdf.js decides what to make of it
  }
  return size;
}
