/**
 * Input rules shared by every adapter, so a call that works on the in-memory cache works on
 * Valkey too, and bad input fails before anything is stored.
 */
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import {
  MAX_ENTRY_CONTENT_LENGTH,
  MAX_HISTORY_ENTRIES,
  MAX_KEY_LENGTH,
  MAX_TTL_MS,
  MAX_VALUE_LENGTH,
  type AppendHistoryOptions,
  type GetHistoryOptions,
  type HistoryEntry,
  type IncrementOptions,
  type SetValueOptions,
} from './port.js';

const CONTROL_CHARACTER = /\p{Cc}/u;
// Lone surrogates become U+FFFD on the wire, so two different ids could share one key.
const LONE_SURROGATE = /\p{Cs}/u;

/** Strict, so a misspelt field (`requestId`) is refused instead of silently dropped. */
const historyEntrySchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
  request_id: z.string().min(1).max(MAX_KEY_LENGTH).optional(),
  at: z
    .number()
    .int('must be whole milliseconds since the epoch (not seconds with a fraction)')
    .nonnegative(),
});

function invalid(message: string, details: Record<string, unknown>): PlatformError {
  return new PlatformError('invalid_input', message, { details });
}

/** Quotes an id for a message, shortened so a 10 kB id does not flood the log. */
export function quote(value: string): string {
  const shown = value.length > 64 ? `${value.slice(0, 64)}…` : value;
  return JSON.stringify(shown);
}

/** Throws `invalid_input` unless `value` can be a session id or key. */
export function assertValidKey(
  value: unknown,
  what: 'session id' | 'key',
): asserts value is string {
  let problem: string | undefined;
  if (typeof value !== 'string') problem = `must be a string, got ${typeof value}`;
  else if (value.length === 0) problem = 'must not be empty';
  else if (value.length > MAX_KEY_LENGTH)
    problem = `is ${value.length} characters long, more than ${MAX_KEY_LENGTH}`;
  else if (CONTROL_CHARACTER.test(value)) problem = 'contains a control character';
  else if (LONE_SURROGATE.test(value)) problem = 'is not valid Unicode (a lone surrogate)';
  if (problem !== undefined) {
    const shown = typeof value === 'string' ? ` ${quote(value)}` : '';
    throw invalid(`${what}${shown} ${problem}`, { [what === 'key' ? 'key' : 'sessionId']: value });
  }
}

function assertWholeNumber(
  value: unknown,
  name: string,
  min: number,
  max: number,
): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max)
    throw invalid(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`, {
      [name]: value,
    });
}

/** Validates entries and options of `appendHistory`; returns the entries as stored. */
export function validateAppend(
  sessionId: unknown,
  entries: unknown,
  options: AppendHistoryOptions,
): HistoryEntry[] {
  assertValidKey(sessionId, 'session id');
  assertWholeNumber(options?.maxEntries, 'maxEntries', 1, MAX_HISTORY_ENTRIES);
  assertWholeNumber(options.ttlMs, 'ttlMs', 1, MAX_TTL_MS);
  if (!Array.isArray(entries) || entries.length === 0)
    throw invalid(`history entries for session ${quote(sessionId)} must be a non-empty array`, {
      sessionId,
    });
  const valid: HistoryEntry[] = [];
  for (const [index, entry] of entries.entries()) {
    const result = historyEntrySchema.safeParse(entry);
    if (!result.success) {
      const issues = result.error.issues
        .slice(0, 3)
        .map((issue) => `entries[${index}].${issue.path.map(String).join('.')}: ${issue.message}`)
        .join('; ');
      throw invalid(`invalid history entry for session ${quote(sessionId)}: ${issues}`, {
        sessionId,
        index,
        issues: result.error.issues,
      });
    }
    const { role, content, request_id, at } = result.data;
    if (content.length > MAX_ENTRY_CONTENT_LENGTH)
      throw new PlatformError(
        'payload_too_large',
        `entries[${index}].content for session ${quote(sessionId)} is ${content.length} characters, more than ${MAX_ENTRY_CONTENT_LENGTH}`,
        { details: { sessionId, index } },
      );
    // Rebuilt field by field so `request_id` is absent (not undefined) when not given.
    valid.push(
      request_id === undefined ? { role, content, at } : { role, content, request_id, at },
    );
  }
  return valid;
}

/** Validates `getHistory` arguments; returns the limit (undefined: all). */
export function validateGetHistory(
  sessionId: unknown,
  options: GetHistoryOptions = {},
): number | undefined {
  assertValidKey(sessionId, 'session id');
  if (options.limit !== undefined)
    assertWholeNumber(options.limit, 'limit', 1, MAX_HISTORY_ENTRIES);
  return options.limit;
}

/** Validates `increment` arguments; returns the amount to add. */
export function validateIncrement(key: unknown, options: IncrementOptions): number {
  assertValidKey(key, 'key');
  assertWholeNumber(options?.windowMs, 'windowMs', 1, MAX_TTL_MS);
  const by = options.by ?? 1;
  assertWholeNumber(by, 'by', 1, 1_000_000_000);
  return by;
}

/** Validates `setValue` arguments. */
export function validateSetValue(key: unknown, value: unknown, options: SetValueOptions): void {
  assertValidKey(key, 'key');
  if (typeof value !== 'string')
    throw invalid(`value for key ${quote(key)} must be a string, got ${typeof value}`, { key });
  if (value.length > MAX_VALUE_LENGTH)
    throw new PlatformError(
      'payload_too_large',
      `value for key ${quote(key)} is ${value.length} characters, more than ${MAX_VALUE_LENGTH}`,
      { details: { key } },
    );
  assertWholeNumber(options?.ttlMs, 'ttlMs', 1, MAX_TTL_MS);
}

/** The error every adapter gives once `close()` was called. */
export function closedError(adapter: string): PlatformError {
  return new PlatformError('unavailable', `the ${adapter} session cache is closed`);
}
