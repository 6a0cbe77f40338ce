/**
 * The body of `POST /v1/chat/completions`, validated with zod, and how it becomes one chat turn
 * on the bus. Fields we do not know are ignored, as OpenAI-compatible servers usually do.
 */
import { MAX_CHAT_MESSAGE_CHARS, PlatformError, isSubjectToken } from '@homelab-ai/contracts';
import { z } from 'zod';

/** The chat request's `system_prompt` limit (packages/contracts messages/chat.ts). */
export const MAX_SYSTEM_PROMPT_CHARS = 20_000;

const textPart = z
  .object({ type: z.string(), text: z.string().optional() })
  .refine((part) => part.type === 'text' && typeof part.text === 'string', {
    error: 'only text parts ({"type": "text", "text": "…"}) are supported',
  });

const messageSchema = z.object({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool'], {
    error: 'must be one of system, developer, user, assistant, tool',
  }),
  // An assistant message that only called tools has `content: null`.
  content: z.union([z.string(), z.array(textPart)]).nullish(),
});

const subjectTokenField = (what: string) =>
  z.string().refine(isSubjectToken, {
    error: `${what} must be 1-128 letters, digits or _ - : @ + =`,
  });

export const completionRequestSchema = z.object({
  model: z.string().min(1, 'name a model (GET /v1/models lists them)').max(200),
  messages: z.array(messageSchema).min(1, 'send at least one message'),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: z.number().int().min(1).nullish(),
  max_completion_tokens: z.number().int().min(1).nullish(),
  // Accepted for compatibility; the chat handler samples with the model's settings.
  temperature: z.number().min(0).max(2).nullish(),
  n: z.literal(1, { error: 'only n = 1 is supported' }).nullish(),
  // Extensions: retrieval over one of the user's collections, a companion, and memory.
  collection: z.string().min(1).max(200).nullish(),
  companion: subjectTokenField('companion').nullish(),
  session_id: subjectTokenField('session_id').nullish(),
});
export type CompletionRequest = z.output<typeof completionRequestSchema>;
type CompletionMessage = CompletionRequest['messages'][number];

/** Parses a JSON body; a bad field is a 400 whose `param` names it. */
export function parseCompletionRequest(body: unknown): CompletionRequest {
  const parsed = completionRequestSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const param = issue?.path.join('.') || undefined;
  throw new PlatformError('invalid_input', `${param ?? 'body'}: ${issue?.message ?? 'invalid'}`, {
    details: { param },
  });
}

function textOf(message: CompletionMessage): string {
  const { content } = message;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content.map((part) => part.text ?? '').join('');
}

/** What goes on the bus for one call: the question and the system prompt. */
export interface ChatTurnText {
  message: string;
  systemPrompt: string | undefined;
  /** Earlier turns that did not fit in the system prompt and were left out (oldest first). */
  droppedTurns: number;
}

/**
 * The last user message is the question. System and developer messages become the system
 * prompt. Earlier user/assistant/tool messages are folded into it as a transcript, because the
 * chat request carries no history; with `session_id` the handler has the history and the
 * client's copy is not repeated. The oldest turns give way when the prompt would be too long.
 */
export function toChatTurnText(request: CompletionRequest): ChatTurnText {
  const { messages } = request;
  const lastUserIndex = messages.findLastIndex((message) => message.role === 'user');
  const lastUser = messages[lastUserIndex];
  if (!lastUser || textOf(lastUser).trim() === '') {
    throw new PlatformError('invalid_input', 'messages: end the conversation with a user message', {
      details: { param: 'messages' },
    });
  }
  const message = textOf(lastUser);
  if (message.length > MAX_CHAT_MESSAGE_CHARS) {
    throw new PlatformError(
      'invalid_input',
      `messages.${lastUserIndex}.content: at most ${MAX_CHAT_MESSAGE_CHARS} characters`,
      { details: { param: `messages.${lastUserIndex}.content` } },
    );
  }
  const instructions = messages
    .filter((entry) => entry.role === 'system' || entry.role === 'developer')
    .map(textOf)
    .filter((text) => text.trim() !== '')
    .join('\n\n');
  if (instructions.length > MAX_SYSTEM_PROMPT_CHARS) {
    throw new PlatformError(
      'invalid_input',
      `messages: the system and developer messages may hold at most ${MAX_SYSTEM_PROMPT_CHARS} characters`,
      { details: { param: 'messages' } },
    );
  }
  const earlierTurns = request.session_id
    ? []
    : messages
        .filter(
          (entry, index) =>
            index !== lastUserIndex && entry.role !== 'system' && entry.role !== 'developer',
        )
        .map((entry) => `${entry.role}: ${textOf(entry)}`);
  return foldTranscript(instructions, earlierTurns, message);
}

function foldTranscript(instructions: string, turns: string[], message: string): ChatTurnText {
  const header = 'Conversation so far:\n';
  const separator = instructions ? '\n\n' : '';
  let budget = MAX_SYSTEM_PROMPT_CHARS - instructions.length - separator.length - header.length;
  const kept: string[] = [];
  for (let index = turns.length - 1; index >= 0; index--) {
    const line = turns[index] ?? '';
    if (line.length + 1 > budget) break;
    kept.unshift(line);
    budget -= line.length + 1;
  }
  const transcript = kept.length > 0 ? `${separator}${header}${kept.join('\n')}` : '';
  const systemPrompt = `${instructions}${transcript}`;
  return {
    message,
    systemPrompt: systemPrompt === '' ? undefined : systemPrompt,
    droppedTurns: turns.length - kept.length,
  };
}
