/**
 * Strict UTF-8 decoding for files declared as text: invalid UTF-8 or NUL bytes mean the file
 * is binary (or in another encoding) and would index as garbage, so it is refused.
 */
import { PlatformError } from '@homelab-ai/contracts';

const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes `bytes` as UTF-8 or throws `invalid_input` naming the file. */
export function decodeTextStrict(bytes: Uint8Array, filename: string): string {
  const nulAt = bytes.indexOf(0);
  if (nulAt !== -1) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: not a text file (binary data: NUL byte at offset ${nulAt}); upload a UTF-8 text file or a supported document type`,
    );
  }
  try {
    return strictDecoder.decode(bytes);
  } catch (error) {
    throw new PlatformError(
      'invalid_input',
      `${filename}: not valid UTF-8 text (binary data or another encoding); save it as UTF-8 and upload it again`,
      { cause: error },
    );
  }
}
