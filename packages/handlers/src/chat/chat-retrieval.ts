/**
 * Retrieval for a turn: which collection (the request's, else the companion's default), whether
 * to search at all, and the passages as the response's `rag_sources`. A search that fails
 * (unknown collection, store down) becomes a notice in the answer, not a failed turn.
 */
import { toPlatformError, type ChatRequest, type RagSource } from '@homelab-ai/contracts';
import { citeSource } from './chat-prompt.js';
import type { ChatKnowledge, CompanionPersona } from './chat-ports.js';

export interface Retrieval {
  sources: RagSource[];
  notices: string[];
}

/** Collection searched when RAG is on and neither the request nor the companion names one. */
export const DEFAULT_COLLECTION = 'default';

export async function retrieveForTurn(
  knowledge: ChatKnowledge | undefined,
  ownerId: string,
  request: ChatRequest,
  companion: CompanionPersona | undefined,
): Promise<Retrieval> {
  const named = request.collection ?? companion?.defaultCollection;
  if (!request.enable_rag && named === undefined) return { sources: [], notices: [] };
  if (!knowledge) {
    return { sources: [], notices: ['Document search is not available to this chat handler.'] };
  }
  try {
    const found = await knowledge.search(ownerId, named ?? DEFAULT_COLLECTION, {
      query: request.message,
      topK: request.top_k,
      rerank: request.enable_reranker,
    });
    const sources = found.passages.map((passage): RagSource => ({
      text: passage.text,
      score: passage.score,
      source: passage.source,
      collection: passage.collection,
      ...(passage.document_id === undefined ? {} : { document_id: passage.document_id }),
      ...(passage.page === undefined ? {} : { page: passage.page }),
      ...(passage.heading === undefined ? {} : { heading: passage.heading }),
    }));
    return { sources, notices: found.notices };
  } catch (thrown) {
    return { sources: [], notices: [`Document search failed: ${toPlatformError(thrown).message}`] };
  }
}

/** The notices as the first lines of an answer. */
export function noticeLines(notices: readonly string[]): string {
  return notices.length ? `${notices.map((notice) => `_${notice}_`).join('\n')}\n\n` : '';
}

/** What a turn answers when no model is configured: the passages found, and how to add one. */
export function answerWithoutModel(
  sources: readonly RagSource[],
  notices: readonly string[],
  howToAddModel: string,
): string {
  const found = sources.length
    ? `These passages from your documents match your message:\n\n${sources.map(citeSource).join('\n\n')}\n\n`
    : '';
  return `${noticeLines(notices)}${found}${howToAddModel}`;
}
