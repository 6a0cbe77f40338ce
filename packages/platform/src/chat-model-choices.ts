/**
 * Which chat models a user can pick: what the OpenAI-compatible server lists (cached for a
 * minute), or the one embedded model. Used by the chat page's picker and `GET /v1/models`.
 */
import type { PlatformConfig } from '@homelab-ai/config';
import type { ChatModel } from '@homelab-ai/models';

export interface ChatModelChoice {
  id: string;
  owned_by: string;
  created: number;
}

const CACHE_MS = 60_000;
const LIST_TIMEOUT_MS = 2_000;

export function chatModelChoices(
  config: PlatformConfig,
  chatModel: ChatModel,
): () => Promise<ChatModelChoice[]> {
  const started = Math.floor(Date.now() / 1000);
  const own = (): ChatModelChoice[] =>
    chatModel.adapter === 'none'
      ? []
      : [{ id: chatModel.modelName, owned_by: chatModel.adapter, created: started }];
  let cached: { at: number; choices: Promise<ChatModelChoice[]> } | undefined;

  const listRemote = async (baseUrl: string): Promise<ChatModelChoice[]> => {
    const headers: Record<string, string> = {};
    if (config.llm.apiKey) headers.authorization = `Bearer ${config.llm.apiKey}`;
    try {
      const response = await fetch(`${baseUrl.replace(/\/+$/, '')}/models`, {
        headers,
        signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
      });
      if (!response.ok) return own();
      const body = (await response.json()) as { data?: { id?: unknown; created?: unknown }[] };
      const listed = (body.data ?? []).flatMap((model) =>
        typeof model.id === 'string'
          ? [
              {
                id: model.id,
                owned_by: 'llm-server',
                created: typeof model.created === 'number' ? model.created : started,
              },
            ]
          : [],
      );
      // The configured model first: it is the default.
      const configured = config.llm.model;
      listed.sort((a, b) => Number(b.id === configured) - Number(a.id === configured));
      return listed.length > 0 ? listed : own();
    } catch {
      return own();
    }
  };

  return () => {
    const baseUrl = config.llm.baseUrl;
    if (chatModel.adapter !== 'openai' || baseUrl === undefined) return Promise.resolve(own());
    if (!cached || Date.now() - cached.at > CACHE_MS) {
      cached = { at: Date.now(), choices: listRemote(baseUrl) };
    }
    return cached.choices;
  };
}
