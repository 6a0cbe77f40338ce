/**
 * Plain text to one section: paragraphs are runs of lines separated by blank lines.
 */
import type { ParsedDocument } from './types.js';

/** Splits text into paragraphs (blank-line separated), keeping line breaks inside each. */
export function textToDocument(text: string): ParsedDocument {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((paragraph) =>
      paragraph
        .split('\n')
        .map((line) => line.replace(/[ \t\f\v]+/g, ' ').trim())
        .filter((line) => line !== '')
        .join('\n'),
    )
    .filter((paragraph) => paragraph !== '');
  return {
    type: 'text',
    sections: paragraphs.length > 0 ? [{ text: paragraphs.join('\n\n'), headingPath: [] }] : [],
  };
}
