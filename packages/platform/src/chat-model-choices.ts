/**
 * Which chat models a user can pick: what the LLM server lists (asked through the ChatModel
 * port, cached for a minute), else the one model in use. Used by the chat page's picker and
 * `GET /v1/models`.
 */
import type { ChatModel } from '@homelab-ai/models';

export interface ChatModelChoice {
  id: string;
  owned_by: string;
  created: number;
}

const CACHE_MS = 60_000;
const LIST_TIMEOUT_MS = 2_000;

export function chatModelChoices(chatModel: ChatModel): () => Promise<ChatModelChoice[]> {
  const started = Math.floor(Date.now() / 1000);
  const choice = (id: string): ChatModelChoice => ({
    id,
    owned_by: chatModel.adapter,
    created: started,
  });
  const own = (): ChatModelChoice[] =>
    chatModel.adapter === 'none' ? [] : [choice(chatModel.modelName)];
  let cached: { at: number; choices: Promise<ChatModelChoice[]> } | undefined;

  const listed = async () => {
    try {
      const ids = (await chatModel.listModels?.(AbortSignal.timeout(LIST_TIMEOUT_MS))) ?? [];
      // The model in use first: it is the default.
      ids.sort((a, b) => Number(b === chatModel.modelName) - Number(a === chatModel.modelName));
      return ids.length > 0 ? ids.map(choice) : own();
    } catch {
      return own();
    }
  };

  return () => {
    if (!chatModel.listModels) return Promise.resolve(own());
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      cached = { at: Date.now(), choices: listed() };
    }
    return cached.choices;
  };
}
