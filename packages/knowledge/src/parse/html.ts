/**
 * HTML to sections, walked with htmlparser2: h1–h6 build the heading path; paragraphs, list
 * items (`- item`) and table rows (`cell | cell`) become text; page chrome (script, style, nav,
 * header, footer, …) is dropped. Also reads the HTML that mammoth makes of a DOCX.
 */
import { Parser, type Handler } from 'htmlparser2';
import { SectionBuilder } from './section-builder.js';
import type { DocumentType, ParsedDocument } from './types.js';

const DROPPED = new Set([
  'script',
  'style',
  'nav',
  'header',
  'footer',
  'noscript',
  'template',
  'svg',
  'iframe',
  'head',
]);
const BLOCKS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'blockquote',
  'figure',
  'figcaption',
  'dl',
  'dt',
  'dd',
  'address',
  'details',
  'summary',
  'body',
]);
const HEADING = /^h([1-6])$/;

export interface HtmlWalkOptions {
  /** The type reported for the document (`docx` when the HTML came from mammoth). */
  type?: DocumentType;
  /** Paragraphs with this class hold the document title (not text). */
  titleClass?: string;
}

/** Walks HTML and returns its sections; the <title> (or first heading) becomes the title. */
export function htmlToDocument(html: string, options: HtmlWalkOptions = {}): ParsedDocument {
  const walker = new HtmlSectionWalker(options.titleClass);
  const parser = new Parser(walker, { decodeEntities: true });
  parser.end(html);
  const { sections, title } = walker.finish();
  return { type: options.type ?? 'html', ...(title ? { title } : {}), sections };
}

class HtmlSectionWalker implements Partial<Handler> {
  private readonly builder = new SectionBuilder();
  private title: string | undefined;
  private titleText: string | undefined;
  private titleTag: string | undefined;
  private inline = '';
  private skipDepth = 0;
  private preDepth = 0;
  private listDepth = 0;
  private tableDepth = 0;
  private heading: { level: number; text: string } | undefined;
  private blockLines: string[] = [];
  private row: string[] | undefined;

  constructor(private readonly titleClass: string | undefined) {}

  ontext(data: string): void {
    if (this.titleText !== undefined) {
      this.titleText += data;
      return;
    }
    if (this.skipDepth > 0) return;
    const text = this.preDepth > 0 ? data : data.replace(/\s+/g, ' ');
    if (this.heading) this.heading.text += text;
    else this.inline += text;
  }

  onopentag(name: string, attributes: Record<string, string>): void {
    if (DROPPED.has(name)) {
      this.skipDepth += 1;
      return;
    }
    const isTitleParagraph =
      this.titleClass !== undefined &&
      (attributes['class'] ?? '').split(/\s+/).includes(this.titleClass);
    if (name === 'title' || isTitleParagraph) {
      this.titleText = '';
      this.titleTag = name;
      return;
    }
    if (this.skipDepth > 0) return;
    const headingLevel = HEADING.exec(name)?.[1];
    if (headingLevel) {
      this.flushInline();
      this.heading = { level: Number(headingLevel), text: '' };
    } else if (name === 'br') {
      if (this.heading) this.heading.text += ' ';
      else this.inline += '\n';
    } else if (name === 'pre') {
      this.flushInline();
      this.preDepth += 1;
    } else if (name === 'ul' || name === 'ol') {
      if (this.listDepth === 0 && this.tableDepth === 0) this.flushInline();
      this.listDepth += 1;
    } else if (name === 'li') {
      this.pushListItem();
    } else if (name === 'table') {
      if (this.tableDepth === 0 && this.listDepth === 0) this.flushInline();
      this.tableDepth += 1;
    } else if (name === 'tr') {
      this.row = [];
    } else if (name === 'td' || name === 'th') {
      this.inline = '';
    } else if (BLOCKS.has(name)) {
      this.endBlock();
    }
  }

  onclosetag(name: string): void {
    if (DROPPED.has(name)) {
      this.skipDepth = Math.max(0, this.skipDepth - 1);
      return;
    }
    if (this.titleText !== undefined && name === this.titleTag) {
      this.title ??= this.titleText.replace(/\s+/g, ' ').trim() || undefined;
      this.titleText = undefined;
      this.titleTag = undefined;
      return;
    }
    if (this.skipDepth > 0) return;
    if (HEADING.test(name) && this.heading) {
      this.builder.heading(this.heading.level, this.heading.text);
      this.heading = undefined;
    } else if (name === 'pre') {
      this.flushInline();
      this.preDepth = Math.max(0, this.preDepth - 1);
    } else if (name === 'li') {
      this.pushListItem();
    } else if (name === 'ul' || name === 'ol') {
      this.pushListItem();
      this.listDepth = Math.max(0, this.listDepth - 1);
      if (this.atTopLevel()) this.flushBlockLines();
    } else if (name === 'td' || name === 'th') {
      this.row?.push(this.inline.replace(/\s+/g, ' ').trim());
      this.inline = '';
    } else if (name === 'tr') {
      if (this.row?.some((cell) => cell !== '')) this.blockLines.push(this.row.join(' | '));
      this.row = undefined;
    } else if (name === 'table') {
      this.tableDepth = Math.max(0, this.tableDepth - 1);
      if (this.atTopLevel()) this.flushBlockLines();
    } else if (BLOCKS.has(name)) {
      this.endBlock();
    }
  }

  finish(): { sections: ParsedDocument['sections']; title: string | undefined } {
    if (this.heading) this.builder.heading(this.heading.level, this.heading.text);
    if (this.blockLines.length > 0) this.flushBlockLines();
    this.flushInline();
    return { sections: this.builder.finish(), title: this.title ?? this.builder.title };
  }

  private atTopLevel(): boolean {
    return this.listDepth === 0 && this.tableDepth === 0;
  }

  /** A block boundary: a paragraph of its own at top level, a space inside a list or table. */
  private endBlock(): void {
    if (this.atTopLevel()) this.flushInline();
    else this.inline += ' ';
  }

  private flushInline(): void {
    if (this.inline.trim() !== '') this.builder.paragraph(this.inline, this.preDepth > 0);
    this.inline = '';
  }

  private flushBlockLines(): void {
    this.builder.paragraph(this.blockLines.join('\n'));
    this.blockLines = [];
  }

  private pushListItem(): void {
    const item = this.inline.replace(/\s+/g, ' ').trim();
    if (item !== '') this.blockLines.push(`- ${item}`);
    this.inline = '';
  }
}
