/** Stored messages as the chat page shows them; the browser renders their Markdown. */
import type { Message, MessageSource } from '@homelab-ai/metadata-db';
import { escapeHtml } from '../chat/html.js';

/** How a source is named in a citation: file, page, heading. */
export function sourceLabel(source: MessageSource): string {
  const page = source.page === undefined ? '' : ` p.${source.page}`;
  return `${source.source ?? source.documentId ?? 'source'}${page}`;
}

export function renderSources(sources: readonly MessageSource[]): string {
  if (sources.length === 0) return '';
  const items = sources
    .map(
      (source, index) =>
        `<li><button type="button" class="citation" data-index="${index + 1}" data-source="${escapeHtml(JSON.stringify(source))}">[${index + 1}] ${escapeHtml(sourceLabel(source))}</button></li>`,
    )
    .join('');
  return `<ol class="sources" aria-label="Sources">${items}</ol>`;
}

export function renderMessage(message: Message): string {
  if (message.role === 'user') {
    return `<article class="message user"><div class="bubble"><div class="text">${escapeHtml(message.content)}</div></div></article>`;
  }
  const requestId = (message.request_id ?? '').replace(/:answer$/, '');
  return `<article class="message assistant" data-request-id="${escapeHtml(requestId)}"><div class="bubble"><div class="text markdown">${escapeHtml(message.content)}</div>${renderSources(message.sources)}</div></article>`;
}

export function renderMessages(messages: readonly Message[]): string {
  return messages
    .filter((message) => message.role === 'user' || message.role === 'assistant')
    .map(renderMessage)
    .join('\n');
}
