/**
 * User metadata travels as HTTP headers, which carry only printable ASCII (and lose leading and
 * trailing spaces). Values that would not survive are percent-encoded, and decoded on the way
 * back, so any string round-trips. Plain values are stored as they are, readable by other tools.
 */
import type { ObjectMetadata } from '../port.js';

/** Printable ASCII without "%", not starting or ending with a space. */
const HEADER_SAFE = /^(?:[\x21-\x24\x26-\x7e](?:[\x20-\x24\x26-\x7e]*[\x21-\x24\x26-\x7e])?)?$/;

export function encodeMetadata(metadata: ObjectMetadata): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [name, value] of Object.entries(metadata))
    encoded[name] = HEADER_SAFE.test(value) ? value : encodeURIComponent(value);
  return encoded;
}

export function decodeMetadata(metadata: Record<string, string> | undefined): ObjectMetadata {
  const decoded: ObjectMetadata = {};
  for (const [name, value] of Object.entries(metadata ?? {})) {
    try {
      decoded[name] = value.includes('%') ? decodeURIComponent(value) : value;
    } catch {
      decoded[name] = value; // written by another tool, not by us
    }
  }
  return decoded;
}
