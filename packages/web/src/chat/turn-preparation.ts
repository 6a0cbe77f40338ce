/**
 * Before a turn goes on the bus: the session is the user's (or a new one is created), the
 * companion is theirs, and a regenerated turn repeats the session's last question. A socket
 * remembers for a short while the sessions it has checked, so that the next turn of a
 * conversation goes on the bus without a database round trip (the chat handler keeps its
 * session lookups as long).
 */
import type { Kysely } from 'kysely';
import { ExpiringMap, PlatformError } from '@homelab-ai/contracts';
import {
  chatSessionTitle,
  createChatSession,
  getCompanion,
  getOwnedChatSession,
  listOwnedSessionMessages,
  type ChatSession,
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

/** How long a socket trusts a session it has checked to still be the user's. */
const KNOWN_SESSION_MS = 30_000;
const KNOWN_SESSIONS_KEPT = 100;

type SessionSummary = Pick<ChatSession, 'id' | 'title' | 'companion_id'>;

/** The sessions one socket's user was checked to own, for a short while. */
export class KnownSessions {
  private readonly sessions = new ExpiringMap<string, SessionSummary>(
    KNOWN_SESSION_MS,
    KNOWN_SESSIONS_KEPT,
  );

  get(sessionId: string): SessionSummary | undefined {
    return this.sessions.get(sessionId);
  }

  remember(session: SessionSummary): void {
    const { id, title, companion_id } = session;
    this.sessions.set(id, { id, title, companion_id });
  }
}

export async function prepareTurn(
  db: Kysely<Database>,
  user: AppUser,
  frame: TurnFrame,
  known: KnownSessions = new KnownSessions(),
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
      known.get(frame.session_id) ?? getOwnedChatSession(db, user.userId, frame.session_id),
      companionLookup,
    ]);
    known.remember(session);
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
  known.remember(session);
  return {
    sessionId: session.id,
    title,
    createdSession: true,
    companionId: companion?.id,
    message: frame.message,
  };
}
