import { z } from 'zod';
import { isSubjectToken } from '../subjects.js';

/** An id that becomes a subject token (request_id, user_id, session_id). */
export const subjectToken = z
  .string()
  .refine(isSubjectToken, 'must be 1-128 characters of letters, digits, _ - : @ + =');

/** A full subject a client asks us to answer on (no wildcards). */
export const replySubject = z
  .string()
  .max(256)
  .regex(
    /^[A-Za-z0-9_\-:@+=]+(\.[A-Za-z0-9_\-:@+=]+)*$/,
    'must be a NATS subject without wildcards',
  );

/** Python clients send None for unset fields: treat null as absent. */
export function optional<T extends z.ZodType>(schema: T) {
  return schema.nullish().transform((value) => value ?? undefined);
}

export function withDefault<T extends z.ZodType>(schema: T, fallback: z.output<T>) {
  return schema.nullish().transform((value): z.output<T> => value ?? fallback);
}

/** Raw bytes; MessagePack `bin` decodes to Uint8Array. */
export const bytes = z.custom<Uint8Array>(
  (value) => value instanceof Uint8Array,
  'must be binary (MessagePack bin)',
);

/** Unix time in seconds, as Python's time.time() gives it. */
export function unixSeconds(): number {
  return Date.now() / 1000;
}
