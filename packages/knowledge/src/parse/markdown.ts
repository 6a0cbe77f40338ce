/**
 * Markdown to sections, from marked's lexer tokens: headings (ATX and setext) build the
 * heading path; code blocks are kept verbatim as their own paragraph; lists become `- item`
 * lines, tables `cell | cell` lines; inline markup (emphasis, links, images, code spans) is
 * reduced to its text. YAML front matter is skipped.
 */
import { marked, type Token, type Tokens } from 'marked';
import { SectionBuilder } from './section-builder.js';
import type { ParsedDocument } from './types.js';

/** Parses Markdown text into sections; the first heading becomes the title. */
export function markdownToDocument(markdown: string): ParsedDocument {
  const builder = markdownSections(prepareMarkdown(markdown));
  const sections = builder.finish();
  const title = builder.title;
  return { type: 'markdown', ...(title ? { title } : {}), sections };
}

/** Line ends made `\n` and YAML front matter skipped: the text the lexer reads. */
export function prepareMarkdown(markdown: string): string {
  return skipFrontMatter(markdown.replace(/\r\n?/g, '\n'));
}

/** The sections of prepared Markdown text (or of one part of it, see markdown-split.ts). */
export function markdownSections(prepared: string): SectionBuilder {
  const builder = new SectionBuilder();
  addBlocks(marked.lexer(prepared, { gfm: true }), builder);
  return builder;
}

function addBlocks(tokens: readonly Token[], builder: SectionBuilder): void {
  for (const token of tokens) {
    switch (token.type) {
      case 'heading':
        builder.heading((token as Tokens.Heading).depth, inlineText(childTokens(token) ?? []));
        break;
      case 'paragraph':
      case 'text':
        builder.paragraph(blockInlineText(token));
        break;
      case 'code':
        builder.paragraph((token as Tokens.Code).text, true);
        break;
      case 'list':
        builder.paragraph(listLines(token as Tokens.List).join('\n'));
        break;
      case 'table':
        builder.paragraph(tableLines(token as Tokens.Table).join('\n'));
        break;
      case 'blockquote':
        addBlocks(childTokens(token) ?? [], builder);
        break;
      case 'html':
        builder.paragraph(stripTags((token as Tokens.HTML).text));
        break;
      default:
        break; // space, hr, def: no text
    }
  }
}

/** `- item` lines (`1. item` for ordered lists), nested lists' lines after their item. */
function listLines(list: Tokens.List): string[] {
  const lines: string[] = [];
  const start = typeof list.start === 'number' ? list.start : 1;
  list.items.forEach((item, index) => {
    const marker = list.ordered ? `${start + index}.` : '-';
    const own: string[] = [];
    const nested: string[] = [];
    for (const child of item.tokens) {
      if (child.type === 'list') nested.push(...listLines(child as Tokens.List));
      else if (child.type === 'code') own.push((child as Tokens.Code).text);
      else if (child.type !== 'space') own.push(blockInlineText(child));
    }
    const text = own.join(' ').replace(/\s+/g, ' ').trim();
    if (text !== '') lines.push(`${marker} ${text}`);
    lines.push(...nested);
  });
  return lines;
}

function tableLines(table: Tokens.Table): string[] {
  const render = (cells: readonly Tokens.TableCell[]): string =>
    cells.map((cell) => inlineText(cell.tokens).replace(/\s+/g, ' ').trim()).join(' | ');
  return [table.header, ...table.rows]
    .filter((cells) => cells.some((cell) => cell.text.trim() !== ''))
    .map(render);
}

/** The text of a block met inside a list item (a paragraph, text, a quote…). */
function blockInlineText(token: Token): string {
  if (token.type === 'html') return stripTags((token as Tokens.HTML).text);
  const children = childTokens(token);
  return children ? inlineText(children) : ownText(token);
}

/** Inline tokens reduced to their text: emphasis, links and code spans keep their words. */
function inlineText(tokens: readonly Token[]): string {
  let text = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'br':
        text += '\n';
        break;
      case 'html':
      case 'checkbox':
        break; // inline tags carry no text of their own
      case 'image':
        text += (token as Tokens.Image).text;
        break;
      default: {
        const children = childTokens(token);
        text += children ? inlineText(children) : ownText(token);
      }
    }
  }
  return text;
}

function childTokens(token: Token): Token[] | undefined {
  return 'tokens' in token && Array.isArray(token.tokens) ? token.tokens : undefined;
}

function ownText(token: Token): string {
  return 'text' in token && typeof token.text === 'string' ? token.text : '';
}

function stripTags(html: string): string {
  return html.replace(/<!--[\s\S]*?-->/g, '').replace(/<[^>]*>/g, ' ');
}

function skipFrontMatter(markdown: string): string {
  if (!/^---[ \t]*\n/.test(markdown)) return markdown;
  const end = /\n(?:---|\.\.\.)[ \t]*(?:\n|$)/.exec(markdown.slice(3));
  return end ? markdown.slice(3 + end.index + end[0].length) : markdown;
}
