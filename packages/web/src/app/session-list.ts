/** The sidebar's list of chat sessions (an htmx fragment, also part of the chat page). */
import type { ChatSessionSummary } from '@homelab-ai/metadata-db';
import { escapeHtml } from '../chat/html.js';

export function renderSessionItem(session: ChatSessionSummary, currentId?: string): string {
  const id = escapeHtml(session.id);
  const title = escapeHtml(session.title || 'New chat');
  const current = session.id === currentId ? ' aria-current="page"' : '';
  const companion = session.companion_name
    ? `<span class="muted small">${escapeHtml(session.companion_name)}</span>`
    : '';
  return `<li class="session" id="session-${id}">
  <a href="/c/${id}"${current}>${title}</a>${companion}
  <span class="session-actions">
    <button type="button" class="icon" title="Rename" aria-label="Rename ${title}"
      hx-patch="/app/sessions/${id}/title" hx-prompt="New name for this chat"
      hx-target="#session-${id}" hx-swap="outerHTML">✎</button>
    <button type="button" class="icon" title="Delete" aria-label="Delete ${title}"
      hx-delete="/api/sessions/${id}" hx-confirm="Delete this chat and its messages?"
      hx-target="#session-${id}" hx-swap="delete">🗑</button>
  </span>
</li>`;
}

export function renderSessionList(
  sessions: readonly ChatSessionSummary[],
  currentId?: string,
  query?: string,
): string {
  if (sessions.length === 0) {
    return `<p class="muted small">${query ? 'No chat matches.' : 'No chats yet.'}</p>`;
  }
  return `<ul class="sessions">${sessions.map((session) => renderSessionItem(session, currentId)).join('')}</ul>`;
}
