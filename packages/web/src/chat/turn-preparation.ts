/**
 * Before a turn goes on the bus: the session is the user's (or a new one is created), the
 * companion is theirs, and a regenerated turn repeats the session's last question.
 */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import {
  chatSessionTitle,
  createChatSession,
  getCompanion,
  getOwnedChatSession,
  listOwnedSessionMessages,
  type Database,
} from '@homelab-ai/metadata-db';
import type { AppUser } from '../app/app-deps.js';
import type { TurnFrame } from './chat-socket-protocol.js';

export interface PreparedTurn {
  sessionId: string;
  title: string;
  createdSession: boolean;
  companionId: string | undefined;
  message: string;
}

export async function prepareTurn(
  db: Kysely<Database>,
  user: AppUser,
  frame: TurnFrame,
): Promise<PreparedTurn> {
  const companionLookup =
    frame.companion_id === undefined
      ? Promise.resolve(undefined)
      : getCompanion(db, user.userId, frame.companion_id);
  // Looked up while the session is; a failure is reported where it is awaited.
  companionLookup.catch(() => undefined);
  if (frame.type === 'regenerate') {
    if (frame.session_id === undefined) {
      throw new PlatformError('invalid_input', 'there is nothing to regenerate in a new chat');
    }
    const { session, messages } = await listOwnedSessionMessages(db, user.userId, frame.session_id);
    const companion = await companionLookup;
    const lastQuestion = messages.findLast((message) => message.role === 'user');
    if (!lastQuestion) throw new PlatformError('invalid_input', 'this chat has no question yet');
    return {
      sessionId: session.id,
      title: session.title,
      createdSession: false,
      companionId: companion?.id ?? session.companion_id ?? undefined,
      message: lastQuestion.content,
    };
  }
  if (frame.session_id !== undefined) {
    const [session, companion] = await Promise.all([
      getOwnedChatSession(db, user.userId, frame.session_id),
      companionLookup,
    ]);
    return {
      sessionId: session.id,
      title: session.title,
      createdSession: false,
      companionId: companion?.id ?? session.companion_id ?? undefined,
      message: frame.message,
    };
  }
  const companion = await companionLookup;
  const title = chatSessionTitle(frame.message);
  const session = await createChatSession(db, {
    ownerId: user.userId,
    companionId: companion?.id ?? null,
    title,
  });
  return {
    sessionId: session.id,
    title,
    createdSession: true,
    companionId: companion?.id,
    message: frame.message,
  };
}
