import { decode, encode } from '@msgpack/msgpack';
import { PlatformError } from './errors.js';

/** MessagePack on the wire, as the original platform's handlers spoke it. */
export function encodeMessage(value: unknown): Uint8Array {
  return encode(value, { ignoreUndefined: true });
}

/** Decodes MessagePack; malformed bytes become an `invalid_message` error, never a crash. */
export function decodeMessage(bytes: Uint8Array): unknown {
  try {
    return decode(bytes);
  } catch (error) {
    throw new PlatformError(
      'invalid_message',
      `malformed MessagePack: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** Decodes MessagePack, or gives undefined for malformed bytes (when a caller only peeks). */
export function tryDecodeMessage(bytes: Uint8Array): unknown {
  try {
    return decode(bytes);
  } catch {
    return undefined;
  }
}
