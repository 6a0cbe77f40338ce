/**
 * Collects paragraphs under a heading stack and turns them into sections: a new heading closes
 * the section before it, so no section mixes text from two headings.
 */
import type { Section } from './types.js';

export class SectionBuilder {
  private readonly sections: Section[] = [];
  private headingPath: string[] = [];
  private headingLevels: number[] = [];
  private paragraphs: string[] = [];
  private firstHeading: string | undefined;
  /** The lowest heading level opened so far, and its value when each section was closed. */
  private topLevel = Number.POSITIVE_INFINITY;
  private readonly sectionTopLevels: number[] = [];

  /** Opens a heading of `level` (1 = top), closing deeper or equal headings. */
  heading(level: number, rawText: string): void {
    const text = normalizeInline(rawText);
    if (text === '') return;
    this.flush();
    while (this.headingLevels.length > 0 && (this.headingLevels.at(-1) ?? 0) >= level) {
      this.headingLevels.pop();
      this.headingPath.pop();
    }
    this.headingLevels.push(level);
    this.headingPath.push(text);
    this.firstHeading ??= text;
    this.topLevel = Math.min(this.topLevel, level);
  }

  /** Adds one paragraph (inline whitespace collapsed unless `preformatted`). */
  paragraph(rawText: string, preformatted = false): void {
    const text = preformatted ? rawText.replace(/^\n+|\s+$/g, '') : normalizeInline(rawText);
    if (text.trim() !== '') this.paragraphs.push(text);
  }

  /** The first heading seen, a fallback title. */
  get title(): string | undefined {
    return this.firstHeading;
  }

  finish(): Section[] {
    this.flush();
    return this.sections;
  }

  /**
   * For text parsed in parts: each section's lowest heading level seen up to it (headings of
   * earlier parts at lower levels still apply to it), and the open headings at the end.
   */
  partContext(): {
    topLevel: number;
    sectionTopLevels: number[];
    openHeadings: { level: number; text: string }[];
  } {
    return {
      topLevel: this.topLevel,
      sectionTopLevels: [...this.sectionTopLevels],
      openHeadings: this.headingLevels.map((level, index) => ({
        level,
        text: this.headingPath[index] ?? '',
      })),
    };
  }

  private flush(): void {
    if (this.paragraphs.length === 0) return;
    this.sections.push({ text: this.paragraphs.join('\n\n'), headingPath: [...this.headingPath] });
    this.sectionTopLevels.push(this.topLevel);
    this.paragraphs = [];
  }
}

/** Collapses runs of whitespace into single spaces, keeping explicit line breaks. */
export function normalizeInline(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t\r\f\v\u00a0]+/g, ' ').trim())
    .filter((line) => line !== '')
    .join('\n');
}
