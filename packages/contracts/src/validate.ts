import type { z } from 'zod';
import { decodeMessage } from './codec.js';
import { PlatformError } from './errors.js';

/** Turns schema issues into one message that names each offending field. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(message)';
      return `${field}: ${issue.message}`;
    })
    .join('; ');
}

/** Validates a decoded value against a contract schema, or throws `invalid_message`. */
export function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  what: string,
): z.output<Schema> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new PlatformError(
      'invalid_message',
      `invalid ${what}: ${describeIssues(result.error.issues)}`,
      {
        details: { issues: result.error.issues },
      },
    );
  }
  return result.data;
}

/** Decodes MessagePack bytes and validates them: the one way a handler reads a bus message. */
export function decodeWith<Schema extends z.ZodType>(
  schema: Schema,
  bytes: Uint8Array,
  what: string,
): z.output<Schema> {
  return parseWith(schema, decodeMessage(bytes), what);
}
