/**
 * OpenAI's response objects: `chat.completion` and the `chat.completion.chunk`s of a stream.
 * Token counts are estimates (about four characters a token): the bus does not carry the
 * model's own counts.
 */
import type { RagSource } from '@homelab-ai/contracts';

export type FinishReason = 'stop' | 'length';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

/** What every object of one completion shares. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

/** A rough token count: OpenAI's rule of thumb of four characters a token. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function usageOf(prompt: string, completion: string): Usage {
  const prompt_tokens = estimateTokens(prompt);
  const completion_tokens = estimateTokens(completion);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}

export function completionObject(
  identity: CompletionIdentity,
  content: string,
  finishReason: FinishReason,
  usage: Usage,
  sources: RagSource[] | undefined,
) {
  return {
    id: identity.id,
    object: 'chat.completion' as const,
    created: identity.created,
    model: identity.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage,
    ...(sources ? { sources } : {}),
  };
}

export function chunkObject(
  identity: CompletionIdentity,
  delta: { role?: 'assistant'; content?: string },
  finishReason: FinishReason | null,
  extra: { usage?: Usage | null; sources?: RagSource[] } = {},
) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...extra,
  };
}

/** The usage chunk of `stream_options.include_usage`: no choices, only the counts. */
export function usageChunkObject(identity: CompletionIdentity, usage: Usage) {
  return {
    id: identity.id,
    object: 'chat.completion.chunk' as const,
    created: identity.created,
    model: identity.model,
    choices: [],
    usage,
  };
}
