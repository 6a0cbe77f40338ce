/** The library page: the user's collections, their documents and indexing status. */
import type { CollectionSummary, Document } from '@homelab-ai/metadata-db';
import { escapeHtml } from '../chat/html.js';

export interface LibraryView {
  collections: ReadonlyArray<{ collection: CollectionSummary; documents: readonly Document[] }>;
  csrfToken: string;
  error?: string;
}

function documentRow(document: Document): string {
  const error = document.error ? ` — ${escapeHtml(document.error)}` : '';
  return `<tr><td>${escapeHtml(document.filename)}</td><td><span class="status status-${escapeHtml(document.status)}">${escapeHtml(document.status)}</span>${error}</td><td>${document.chunk_count}</td></tr>`;
}

export function renderLibraryPage(view: LibraryView): string {
  const error = view.error ? `<div class="error" role="alert">${escapeHtml(view.error)}</div>` : '';
  const sections = view.collections
    .map(
      ({
        collection,
        documents,
      }) => `<section class="card" aria-label="Collection ${escapeHtml(collection.name)}">
  <h3>${escapeHtml(collection.name)} <span class="muted small">${collection.document_count} documents · ${collection.chunk_count} passages</span></h3>
  ${
    documents.length
      ? `<table><thead><tr><th>File</th><th>Status</th><th>Passages</th></tr></thead><tbody>${documents.map(documentRow).join('')}</tbody></table>`
      : '<p class="muted">No documents yet: upload one from the chat.</p>'
  }
</section>`,
    )
    .join('\n');
  return `<main id="main" class="page">
  <h2>Library</h2>
  ${error}
  <form method="post" action="/library" class="row card">
    <input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">
    <label for="collection-name" class="grow">New collection <input id="collection-name" name="name" required maxlength="100"></label>
    <button type="submit">Create</button>
  </form>
  ${sections || '<p class="muted">No collections yet.</p>'}
</main>`;
}
