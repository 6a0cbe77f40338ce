import { z } from 'zod';
import { bytes } from './fields.js';

/** What lands on `ai.deadletter.{original_subject}`: the message, untouched, and why. */
export const deadLetterSchema = z.object({
  original_subject: z.string(),
  reason: z.string(),
  error_type: z.string(),
  deliveries: z.number().int(),
  stream: z.string().optional(),
  stream_sequence: z.number().int().optional(),
  data: bytes,
  headers: z.record(z.string(), z.string()),
  timestamp: z.number(),
});
export type DeadLetter = z.output<typeof deadLetterSchema>;
