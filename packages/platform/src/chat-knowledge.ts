/**
 * The chat handler's document search over the knowledge service: passages with what a citation
 * needs. What the user can fix (an unknown collection, a bad name) comes back as a notice.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { ChatKnowledge, KnowledgePassage } from '@homelab-ai/handlers';
import type { KnowledgeService } from '@homelab-ai/knowledge';

export function createChatKnowledge(service: () => Promise<KnowledgeService>): ChatKnowledge {
  return {
    async search(ownerId, collectionName, query) {
      try {
        const result = await (
          await service()
        ).search(ownerId, collectionName, {
          query: query.query,
          topK: query.topK,
          rerank: query.rerank,
        });
        const passages = result.passages.map((passage): KnowledgePassage => ({
          text: passage.text,
          score: passage.score,
          source: passage.source,
          collection: result.collection,
          document_id: passage.documentId,
          ...(passage.page === undefined ? {} : { page: passage.page }),
          ...(passage.headingPath.length ? { heading: passage.headingPath.join(' › ') } : {}),
        }));
        return { passages, notices: result.notices };
      } catch (error) {
        if (
          error instanceof PlatformError &&
          (error.code === 'not_found' || error.code === 'invalid_input')
        ) {
          return { passages: [], notices: [`${error.message}; the answer uses no documents.`] };
        }
        throw error;
      }
    },
  };
}
