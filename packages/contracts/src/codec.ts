import { Decoder, Encoder } from '@msgpack/msgpack';
import { PlatformError } from './errors.js';

// One of each, kept: `encode` and `decode` would build a new one (and its buffers) per message.
// Both are reentrant (a nested call works on a clone).
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/** MessagePack on the wire, as the original platform's handlers spoke it. */
export function encodeMessage(value: unknown): Uint8Array {
  return encoder.encode(value);
}

/** Decodes MessagePack; malformed bytes become an `invalid_message` error, never a crash. */
export function decodeMessage(bytes: Uint8Array): unknown {
  try {
    return decoder.decode(bytes);
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
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
