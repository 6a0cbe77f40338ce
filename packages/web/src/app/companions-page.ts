/** The companions page: one form per companion and one for a new one. */
import type { CollectionSummary, CompanionView } from '@homelab-ai/metadata-db';
import { escapeHtml } from '../chat/html.js';

export interface CompanionsPageView {
  companions: readonly CompanionView[];
  collections: readonly CollectionSummary[];
  csrfToken: string;
  error?: string;
}

function companionForm(view: CompanionsPageView, companion?: CompanionView): string {
  const id = companion ? escapeHtml(companion.id) : 'new';
  const field = (name: string) => `${id}-${name}`;
  const value = (text: string | null | undefined) => escapeHtml(text ?? '');
  const collections = view.collections
    .map((collection) => {
      const selected = collection.name === companion?.default_collection_name ? ' selected' : '';
      return `<option value="${escapeHtml(collection.name)}"${selected}>${escapeHtml(collection.name)}</option>`;
    })
    .join('');
  const remove = companion
    ? '<button type="submit" name="action" value="delete" class="danger" formnovalidate>Delete</button>'
    : '';
  return `<form method="post" action="/companions${companion ? `/${id}` : ''}" class="card companion-form" aria-label="${companion ? `Companion ${value(companion.name)}` : 'New companion'}">
  <input type="hidden" name="_csrf" value="${escapeHtml(view.csrfToken)}">
  <div class="row">
    <label for="${field('avatar')}">Avatar <input id="${field('avatar')}" name="avatar" maxlength="16" size="3" value="${value(companion?.avatar)}" placeholder="🙂"></label>
    <label for="${field('name')}" class="grow">Name <input id="${field('name')}" name="name" required maxlength="100" value="${value(companion?.name)}"></label>
  </div>
  <label for="${field('prompt')}">Persona (system prompt)
    <textarea id="${field('prompt')}" name="system_prompt" rows="4" maxlength="20000">${value(companion?.system_prompt)}</textarea></label>
  <div class="row">
    <label for="${field('collection')}">Default documents
      <select id="${field('collection')}" name="default_collection"><option value="">None</option>${collections}</select></label>
    <label for="${field('voice')}">Voice <input id="${field('voice')}" name="voice" maxlength="100" value="${value(companion?.voice)}" placeholder="default"></label>
    <label class="checkbox"><input type="checkbox" name="is_default" ${companion?.is_default ? 'checked' : ''}> Default companion</label>
  </div>
  <div class="row actions">
    <button type="submit">${companion ? 'Save' : 'Create companion'}</button>
    ${remove}
  </div>
</form>`;
}

export function renderCompanionsPage(view: CompanionsPageView): string {
  const error = view.error ? `<div class="error" role="alert">${escapeHtml(view.error)}</div>` : '';
  const existing = view.companions.map((companion) => companionForm(view, companion)).join('\n');
  return `<main id="main" class="page">
  <h2>Companions</h2>
  <p class="muted">A companion is a persona: its system prompt shapes every answer, and its default documents are searched when you chat with it.</p>
  ${error}
  <section aria-label="Your companions">${existing || '<p class="muted">No companions yet.</p>'}</section>
  <h3>New companion</h3>
  ${companionForm(view)}
</main>`;
}
