/** A chat session exported as Markdown (readable) or JSON (complete, with sources). */
import type { ChatSession, Message } from '@homelab-ai/metadata-db';
import { sourceLabel } from './message-view.js';

export function exportAsJson(session: ChatSession, messages: readonly Message[]): string {
  return JSON.stringify(
    {
      id: session.id,
      title: session.title,
      companion_id: session.companion_id,
      created_at: session.created_at,
      messages: messages.map((message) => ({
        role: message.role,
        content: message.content,
        sources: message.sources,
        created_at: message.created_at,
      })),
    },
    null,
    2,
  );
}

export function exportAsMarkdown(session: ChatSession, messages: readonly Message[]): string {
  const lines = [`# ${session.title || 'Chat'}`, '', `_Exported ${new Date().toISOString()}_`, ''];
  for (const message of messages) {
    lines.push(`## ${message.role === 'user' ? 'You' : 'Assistant'}`, '', message.content, '');
    if (message.sources.length > 0) {
      lines.push('Sources:', '');
      message.sources.forEach((source, index) =>
        lines.push(`${index + 1}. ${sourceLabel(source)}`),
      );
      lines.push('');
    }
  }
  return lines.join('\n');
}

/** A file name for the download: the title's letters and digits. */
export function exportFilename(session: ChatSession, extension: string): string {
  const base = (session.title || 'chat').replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '');
  return `${base.slice(0, 60) || 'chat'}.${extension}`;
}
