import type { ChatRequest } from '@homelab-ai/contracts';
import type { ChatMessage } from '@homelab-ai/models';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful, honest assistant running on a self-hosted platform. Answer clearly and concisely. ' +
  'If you do not know something, say so.';

/** The conversation sent to the model for one turn. */
export function buildChatPrompt(request: ChatRequest): ChatMessage[] {
  const persona = request.system_prompt ?? DEFAULT_SYSTEM_PROMPT;
  const who = request.username ? `\nYou are talking with ${request.username}.` : '';
  return [
    { role: 'system', content: persona + who },
    { role: 'user', content: request.message },
  ];
}
