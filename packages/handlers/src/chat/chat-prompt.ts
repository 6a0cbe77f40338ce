/**
 * The conversation sent to the model for one turn: the persona (companion, request or default),
 * the numbered sources with an instruction to cite them, as much recent history as the context
 * budget allows, and the user's message.
 */
import type { RagSource } from '@homelab-ai/contracts';
import type { ChatMessage } from '@homelab-ai/models';
import type { HistoryMessage } from './chat-ports.js';

export const DEFAULT_SYSTEM_PROMPT =
  'You are a helpful, honest assistant running on a self-hosted platform. Answer clearly and concisely. ' +
  'If you do not know something, say so.';

export interface ChatPromptInput {
  message: string;
  /** Companion persona or the request's system prompt; the default when unset or empty. */
  persona?: string | undefined;
  username?: string | undefined;
  sources?: readonly RagSource[];
  history?: readonly HistoryMessage[];
  /** Tokens the model may see in all (prompt and answer). */
  contextTokens?: number | undefined;
  /** Tokens reserved for the answer. */
  maxTokens?: number;
}

/** Rough token count (about four characters a token), good enough to budget history. */
export function approximateTokens(text: string): number {
  return Math.ceil(text.length / 4) + 4;
}

/** How a source is cited: "[1] manual.pdf p.3 › Warranty: text". */
export function citeSource(source: RagSource, index: number): string {
  const page = source.page === undefined ? '' : ` p.${source.page}`;
  const heading = source.heading ? ` › ${source.heading}` : '';
  return `[${index + 1}] ${source.source}${page}${heading}: ${source.text.trim()}`;
}

function systemPrompt(input: ChatPromptInput): string {
  const persona = input.persona?.trim() ? input.persona : DEFAULT_SYSTEM_PROMPT;
  const who = input.username ? `\nYou are talking with ${input.username}.` : '';
  const sources = input.sources?.length
    ? '\n\nSources from the user’s documents follow. Use them when they help, cite them by ' +
      'number like [1], and say so when they do not contain the answer.\n\n' +
      input.sources.map(citeSource).join('\n\n')
    : '';
  return persona + who + sources;
}

/** The newest history that fits in `budget` tokens, oldest first. */
function historyWithin(history: readonly HistoryMessage[], budget: number): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let left = budget;
  for (let index = history.length - 1; index >= 0; index--) {
    const entry = history[index];
    if (!entry) continue;
    const cost = approximateTokens(entry.content);
    if (cost > left) break;
    left -= cost;
    kept.unshift({ role: entry.role, content: entry.content });
  }
  return kept;
}

export function buildChatPrompt(input: ChatPromptInput): ChatMessage[] {
  const system = systemPrompt(input);
  const fixed = approximateTokens(system) + approximateTokens(input.message);
  const budget = (input.contextTokens ?? 4096) - (input.maxTokens ?? 512) - fixed;
  return [
    { role: 'system', content: system },
    ...historyWithin(input.history ?? [], budget),
    { role: 'user', content: input.message },
  ];
}
