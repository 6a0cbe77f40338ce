/**
 * What the browser's chat socket says, as JSON frames. The page sends `send`, `regenerate` and
 * `stop`; the gateway answers with `session` (a new chat was created), `started`, `chunk`,
 * `restart` (the handler restarted an interrupted answer: drop the partial text), `done` and
 * `notice` (a problem with a frame, not with a turn). `greet` asks for a personalised greeting,
 * which comes back as `greeting` (from the chat handler's greeting on the bus).
 */
import { z } from 'zod';
import { MAX_CHAT_MESSAGE_CHARS, type RagSource } from '@homelab-ai/contracts';

const optionalId = z
  .string()
  .max(128)
  .optional()
  .transform((value) => (value ? value : undefined));
const turnOptions = {
  session_id: optionalId,
  companion_id: optionalId,
  collection: z
    .string()
    .max(200)
    .optional()
    .transform((value) => (value ? value : undefined)),
  model: z
    .string()
    .max(200)
    .optional()
    .transform((value) => (value ? value : undefined)),
};

export const socketFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('send'),
    message: z.string().trim().min(1, 'type a message first').max(MAX_CHAT_MESSAGE_CHARS),
    ...turnOptions,
  }),
  z.object({ type: z.literal('regenerate'), ...turnOptions }),
  z.object({ type: z.literal('stop'), request_id: z.string().min(1).max(128) }),
  z.object({ type: z.literal('greet') }),
]);
export type SocketFrame = z.infer<typeof socketFrameSchema>;
export type TurnFrame = Extract<SocketFrame, { type: 'send' | 'regenerate' }>;

export type ServerFrame =
  | { type: 'session'; session_id: string; title: string }
  | { type: 'started'; request_id: string; message: string; regenerate: boolean }
  | { type: 'chunk'; request_id: string; content: string }
  | { type: 'restart'; request_id: string; message: string }
  | {
      type: 'done';
      request_id: string;
      success: boolean;
      response: string;
      sources: RagSource[];
      error?: string;
      error_type?: string;
    }
  | { type: 'notice'; message: string }
  | { type: 'greeting'; text: string };
