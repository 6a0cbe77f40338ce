/**
 * Rebuilds a PDF page's text from pdf.js text items: items join into lines (a line ends at
 * an item marked end-of-line or when the baseline moves), a space goes between items that
 * have a horizontal gap, and a vertical gap of more than 1.5 line heights starts a new
 * paragraph (a blank line).
 */

/** What the layout needs of a pdf.js TextItem (x, y = transform[4], transform[5]). */
export interface PositionedText {
  str: string;
  hasEOL: boolean;
  x: number;
  y: number;
  width: number;
  fontSize: number;
}

interface Line {
  text: string;
  y: number;
  fontSize: number;
  endX: number;
}

/** A gap wider than this fraction of the font size between two items is a space. */
const SPACE_GAP = 0.15;
/** A vertical gap larger than this many line heights separates paragraphs. */
const PARAGRAPH_GAP = 1.5;

/** The page's text: lines joined by `\n`, paragraphs separated by a blank line. */
export function layOutPageText(items: readonly PositionedText[]): string {
  const lines = joinLines(items).filter((line) => line.text.trim() !== '');
  if (lines.length === 0) return '';
  const lineHeight = typicalLineHeight(lines);
  const paragraphs: string[][] = [[]];
  lines.forEach((line, index) => {
    const previous = lines[index - 1];
    const step = previous ? previous.y - line.y : 0;
    if (previous && (step > PARAGRAPH_GAP * lineHeight || step < -lineHeight)) paragraphs.push([]);
    paragraphs.at(-1)?.push(line.text.replace(/\s+/g, ' ').trim());
  });
  return paragraphs
    .map((paragraph) => paragraph.join('\n'))
    .filter((paragraph) => paragraph !== '')
    .join('\n\n');
}

function joinLines(items: readonly PositionedText[]): Line[] {
  const lines: Line[] = [];
  let line: Line | undefined;
  let lineEnded = true;
  for (const item of items) {
    const sameBaseline =
      line !== undefined && Math.abs(item.y - line.y) <= 0.5 * Math.max(item.fontSize, 1);
    if (!line || lineEnded || !sameBaseline) {
      if (item.str !== '' || !line) {
        line = { text: '', y: item.y, fontSize: item.fontSize, endX: item.x };
        lines.push(line);
      }
    }
    if (item.str !== '') {
      const gap = item.x - line.endX;
      const spaced = /\s$/.test(line.text) || /^\s/.test(item.str);
      if (line.text !== '' && !spaced && gap > SPACE_GAP * item.fontSize) line.text += ' ';
      line.text += item.str;
      line.endX = item.x + item.width;
      line.fontSize = Math.max(line.fontSize, item.fontSize);
    }
    lineEnded = item.hasEOL;
  }
  return lines;
}

/**
 * The page's usual baseline-to-baseline distance: the most common step between lines, unless
 * that is more than twice the font size (a page of one-line paragraphs), then 1.2 × font size.
 */
function typicalLineHeight(lines: readonly Line[]): number {
  const counts = new Map<number, number>();
  for (let index = 1; index < lines.length; index += 1) {
    const step = Math.round(((lines[index - 1]?.y ?? 0) - (lines[index]?.y ?? 0)) * 2) / 2;
    if (step > 0) counts.set(step, (counts.get(step) ?? 0) + 1);
  }
  let mode = 0;
  let modeCount = 0;
  for (const [step, count] of counts) {
    if (count > modeCount || (count === modeCount && step < mode)) {
      mode = step;
      modeCount = count;
    }
  }
  const fontSizes = lines.map((line) => line.fontSize).sort((a, b) => a - b);
  const fontSize = fontSizes[Math.floor(fontSizes.length / 2)] ?? 10;
  return mode > 0 && mode <= 2 * fontSize ? mode : 1.2 * fontSize;
}
