/** The chat page: sessions on the left, the conversation, pickers, upload and the composer. */
import type {
  ChatSession,
  ChatSessionSummary,
  CollectionSummary,
  CompanionView,
  Message,
} from '@homelab-ai/metadata-db';
import { escapeHtml } from '../chat/html.js';
import type { ChatModelChoice, ServiceWarning } from './app-deps.js';
import { renderMessages } from './message-view.js';
import { renderSessionList } from './session-list.js';

export interface ChatPageView {
  sessions: readonly ChatSessionSummary[];
  current?: { session: ChatSession; messages: readonly Message[] };
  companions: readonly CompanionView[];
  collections: readonly CollectionSummary[];
  models: readonly ChatModelChoice[];
  warnings: readonly ServiceWarning[];
}

function options<T>(
  items: readonly T[],
  value: (item: T) => string,
  label: (item: T) => string,
  selected?: string,
) {
  return items
    .map((item) => {
      const itemValue = value(item);
      const chosen = itemValue === selected ? ' selected' : '';
      return `<option value="${escapeHtml(itemValue)}"${chosen}>${escapeHtml(label(item))}</option>`;
    })
    .join('');
}

function companionOptions(companions: readonly CompanionView[], selected: string | undefined) {
  return companions
    .map((companion) => {
      const chosen = companion.id === selected ? ' selected' : '';
      const label = `${companion.avatar ? `${companion.avatar} ` : ''}${companion.name}`;
      return `<option value="${escapeHtml(companion.id)}" data-collection="${escapeHtml(companion.default_collection_name ?? '')}"${chosen}>${escapeHtml(label)}</option>`;
    })
    .join('');
}

function pickers(view: ChatPageView): string {
  const companionId =
    view.current?.session.companion_id ??
    view.companions.find((companion) => companion.is_default)?.id;
  const companion = view.companions.find((item) => item.id === companionId);
  const collection = companion?.default_collection_name ?? undefined;
  const modelPicker =
    view.models.length > 1
      ? `<label>Model <select id="model" name="model">${options(
          view.models,
          (model) => model.id,
          (model) => model.id,
        )}</select></label>`
      : '';
  return `<div class="pickers">
    <label>Companion <select id="companion" name="companion">
      <option value="" data-collection="">Assistant</option>${companionOptions(view.companions, companionId)}
    </select></label>
    <label>Documents <select id="collection" name="collection">
      <option value="">None</option>${options(
        view.collections,
        (item) => item.name,
        (item) => `${item.name} (${item.document_count})`,
        collection,
      )}
      <option value="__new__">New collection…</option>
    </select></label>
    ${modelPicker}
    <label class="button upload" title="Add a document to the chosen collection">Upload
      <input type="file" id="upload" class="visually-hidden" multiple>
    </label>
  </div>
  <div id="uploads" aria-live="polite"></div>`;
}

function exportLinks(session: ChatSession | undefined): string {
  if (!session) return '';
  const id = escapeHtml(session.id);
  return `<span class="export">Export: <a href="/api/sessions/${id}/export?format=md" download>Markdown</a> · <a href="/api/sessions/${id}/export?format=json" download>JSON</a></span>`;
}

/** The chat model's problem in plain view; the optional services' behind one summary line. */
function renderWarnings(warnings: readonly ServiceWarning[]): string {
  const item = (warning: ServiceWarning) =>
    `<div class="warning" role="status">${escapeHtml(warning.detail)}</div>`;
  const llm = warnings.filter((warning) => warning.service === 'llm').map(item);
  const others = warnings.filter((warning) => warning.service !== 'llm');
  const names = others.map((warning) => warning.service).join(', ');
  const optional = others.length
    ? `<details class="more-warnings"><summary>Optional model services not ready: ${escapeHtml(names)}</summary>${others.map(item).join('')}</details>`
    : '';
  return llm.join('') + optional;
}

export function renderChatBody(view: ChatPageView): string {
  const session = view.current?.session;
  const warnings = renderWarnings(view.warnings);
  const title = session ? session.title || 'New chat' : 'New chat';
  return `<div class="chat-layout" id="main">
  <aside id="sidebar" aria-label="Chats">
    <a href="/" class="button new-chat">+ New chat</a>
    <label for="session-search" class="visually-hidden">Search chats</label>
    <input type="search" id="session-search" name="q" placeholder="Search chats…"
      hx-get="/app/sessions${session ? `?current=${escapeHtml(session.id)}` : ''}" hx-trigger="input changed delay:250ms, search"
      hx-target="#session-list">
    <nav id="session-list" hx-get="/app/sessions${session ? `?current=${escapeHtml(session.id)}` : ''}" hx-trigger="sessions-changed from:body">
      ${renderSessionList(view.sessions, session?.id)}
    </nav>
  </aside>
  <section id="chat" data-session-id="${escapeHtml(session?.id ?? '')}" aria-label="Conversation">
    <div class="chat-head">
      <h2 id="chat-title">${escapeHtml(title)}</h2>
      ${exportLinks(session)}
    </div>
    ${warnings}
    ${pickers(view)}
    <div id="messages" aria-live="polite">${view.current ? renderMessages(view.current.messages) : ''}</div>
    <form id="composer">
      <label for="message" class="visually-hidden">Message</label>
      <textarea id="message" name="message" rows="2" required maxlength="100000"
        placeholder="Ask anything… (Enter to send, Shift+Enter for a new line, Esc to stop)" autofocus></textarea>
      <div class="composer-actions">
        <button type="submit" id="send">Send</button>
        <button type="button" id="stop" hidden>Stop</button>
        <button type="button" id="regenerate" class="secondary" ${view.current?.messages.length ? '' : 'hidden'}>Regenerate</button>
      </div>
      <p id="connection" class="muted small" role="status"></p>
    </form>
  </section>
  <dialog id="citation-dialog" aria-labelledby="citation-title">
    <h3 id="citation-title">Source</h3>
    <p class="muted" id="citation-where"></p>
    <blockquote id="citation-text"></blockquote>
    <form method="dialog"><button>Close</button></form>
  </dialog>
</div>`;
}
