import { z } from 'zod';
import { bytes, optional, replySubject, subjectToken, withDefault } from './fields.js';

export const MAX_CHAT_MESSAGE_CHARS = 100_000;

/** `ai.chat.user.{user_id}.message` */
export const chatRequestSchema = z.object({
  request_id: subjectToken,
  user_id: optional(subjectToken),
  username: optional(z.string().max(200)),
  message: z.string().min(1, 'must not be empty').max(MAX_CHAT_MESSAGE_CHARS),
  session_id: optional(subjectToken),
  enable_rag: withDefault(z.boolean(), false),
  enable_reranker: withDefault(z.boolean(), false),
  enable_streaming: withDefault(z.boolean(), true),
  top_k: withDefault(z.number().int().min(1).max(100), 5),
  collection: optional(z.string().min(1).max(200)),
  system_prompt: optional(z.string().max(20_000)),
  enable_tts: withDefault(z.boolean(), false),
  response_subject: optional(replySubject),
  // Extensions of the original contract; clients that do not know them leave them out.
  /** A companion of the user: its persona, default collection and voice apply. */
  companion_id: optional(subjectToken),
  /** Which chat model answers, when the LLM server offers several (default: the configured one). */
  model: optional(z.string().min(1).max(200)),
  /** Answer the session's last question again: the previous answer is replaced, not kept. */
  regenerate: withDefault(z.boolean(), false),
});
export type ChatRequest = z.output<typeof chatRequestSchema>;
/** What a client may send (optional fields may be omitted or null). */
export type ChatRequestInput = z.input<typeof chatRequestSchema>;

/** `ai.chat.response.stream.{request_id}` */
export const chatStreamEventSchema = z.object({
  request_id: z.string(),
  type: z.enum(['chunk', 'done', 'error']),
  content: z.string(),
  done: z.boolean(),
  timestamp: z.number(),
});
export type ChatStreamEvent = z.output<typeof chatStreamEventSchema>;

export const ragSourceSchema = z.object({
  text: z.string(),
  score: z.number(),
  source: z.string(),
  // Extensions for citations; optional so that original producers stay valid.
  document_id: z.string().optional(),
  collection: z.string().optional(),
  page: z.number().int().optional(),
  heading: z.string().optional(),
});
export type RagSource = z.output<typeof ragSourceSchema>;

/** `ai.chat.response.{request_id}` or the request's `response_subject` */
export const chatResponseSchema = z.object({
  request_id: z.string(),
  user_id: z.string(),
  response: z.string(),
  used_rag: z.boolean(),
  rag_sources: z.array(ragSourceSchema),
  success: z.boolean(),
  error: z.string().optional(),
  error_type: z.string().optional(),
  audio: bytes.optional(),
});
export type ChatResponse = z.output<typeof chatResponseSchema>;

/** `ai.chat.user.{user_id}.login` */
export const loginEventSchema = z.object({
  user_id: subjectToken,
  username: optional(z.string().max(200)),
  timestamp: optional(z.number()),
});
export type LoginEvent = z.output<typeof loginEventSchema>;

/** `ai.chat.user.{user_id}.greeting.request` */
export const greetingRequestSchema = z.object({
  user_id: subjectToken,
  username: optional(z.string().max(200)),
  request_id: optional(subjectToken),
});
export type GreetingRequest = z.output<typeof greetingRequestSchema>;

/** `ai.chat.user.{user_id}.greeting.response` */
export const greetingResponseSchema = z.object({
  user_id: z.string(),
  greeting: z.string(),
  request_id: z.string().optional(),
});
export type GreetingResponse = z.output<typeof greetingResponseSchema>;
