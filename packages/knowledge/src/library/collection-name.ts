/** What a collection may be called: short, printable, safe in URLs and on the bus. */
import { PlatformError } from '@homelab-ai/contracts';

const COLLECTION_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,99}$/u;

export function checkCollectionName(name: unknown): string {
  if (typeof name !== 'string' || !COLLECTION_NAME.test(name.trim())) {
    throw new PlatformError(
      'invalid_input',
      'collection name: 1–100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit',
    );
  }
  return name.trim();
}
