/**
 * The chat handler's document search over the knowledge service: passages with what a citation
 * needs. What the user can fix (an unknown collection, a bad name) comes back as a notice.
 *
 * Bus clients that are not platform accounts (the original platform had none) also reach the
 * collections ingested over the bus, which belong to the first admin: a MessagePack client can
 * trigger `document-ingestion` and then chat about it. Accounts stay apart from each other.
 */
import { PlatformError } from '@homelab-ai/contracts';
import type { ChatKnowledge, KnowledgePassage } from '@homelab-ai/handlers';
import type { KnowledgeService } from '@homelab-ai/knowledge';

export interface SharedCollections {
  /** Whether the owner is a bus client's account (`…@bus.local`), not a person's. */
  isBusClient(ownerId: string): Promise<boolean>;
  /** Who owns what is ingested over the bus. */
  owner(): Promise<string>;
}

export function createChatKnowledge(
  service: () => Promise<KnowledgeService>,
  shared?: SharedCollections,
): ChatKnowledge {
  const searchAs = async (
    ownerId: string,
    collectionName: string,
    query: { query: string; topK: number; rerank: boolean },
  ) => {
    const knowledge = await service();
    const input = { query: query.query, topK: query.topK, rerank: query.rerank };
    try {
      return await knowledge.search(ownerId, collectionName, input);
    } catch (error) {
      const missing = error instanceof PlatformError && error.code === 'not_found';
      if (!missing || !shared || !(await shared.isBusClient(ownerId))) throw error;
      return knowledge.search(await shared.owner(), collectionName, input);
    }
  };
  return {
    prefetch(query) {
      service()
        .then((knowledge) => knowledge.prefetchQuery(query))
        .catch(() => undefined);
    },
    async search(ownerId, collectionName, query) {
      try {
        const result = await searchAs(ownerId, collectionName, query);
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
