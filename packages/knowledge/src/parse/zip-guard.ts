/**
 * Reads a zip archive's central directory (with fflate, without inflating anything) and
 * refuses zip bombs before any entry is unpacked: too large in total, or compressed far more
 * than real documents ever are.
 */
import { unzipSync, type UnzipFileInfo } from 'fflate';
import { PlatformError } from '@homelab-ai/contracts';

export const DEFAULT_MAX_UNZIPPED_BYTES = 200 * 1024 * 1024;
export const MAX_COMPRESSION_RATIO = 100;

/** The entries of a zip archive as its central directory declares them. */
export function listZipEntries(bytes: Uint8Array, filename: string): UnzipFileInfo[] {
  const entries: UnzipFileInfo[] = [];
  try {
    unzipSync(bytes, {
      filter: (info) => {
        entries.push(info);
        return false;
      },
    });
  } catch (error) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: not a valid DOCX (the zip archive is corrupt or truncated: ${describe(error)}); save the document again from Word and re-upload it`,
      { cause: error },
    );
  }
  return entries;
}

/** Throws `invalid_input` when the archive would unpack beyond the limits. */
export function assertNotZipBomb(
  entries: readonly UnzipFileInfo[],
  filename: string,
  maxUnzippedBytes = DEFAULT_MAX_UNZIPPED_BYTES,
): void {
  let total = 0;
  let compressed = 0;
  for (const entry of entries) {
    total += entry.originalSize;
    compressed += entry.size;
  }
  if (total > maxUnzippedBytes) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: refused as a possible zip bomb (it would unpack to ${megabytes(total)}, the limit is ${megabytes(maxUnzippedBytes)})`,
    );
  }
  const ratio = total / Math.max(compressed, 1);
  if (total > 1024 * 1024 && ratio > MAX_COMPRESSION_RATIO) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: refused as a possible zip bomb (compression ratio ${Math.round(ratio)}:1, the limit is ${MAX_COMPRESSION_RATIO}:1)`,
    );
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
