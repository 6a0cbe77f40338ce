/**
 * Test and benchmark fixtures: real PDFs made with pdf-lib, with text laid out in wrapped
 * lines and paragraphs the way a word processor exports them.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';

const PAGE_WIDTH = 595;
const PAGE_HEIGHT = 842;
const MARGIN = 56;
const FONT_SIZE = 11;
const LINE_HEIGHT = 14;
const PARAGRAPH_GAP = 10;

/** A PDF whose page i holds the paragraphs `pages[i]` (ASCII text). */
export async function generatePdfFromPages(
  pages: readonly (readonly string[])[],
  title?: string,
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  if (title) pdf.setTitle(title);
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const maxWidth = PAGE_WIDTH - 2 * MARGIN;
  for (const paragraphs of pages) {
    const page = pdf.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    let y = PAGE_HEIGHT - MARGIN;
    for (const paragraph of paragraphs) {
      for (const line of wrap(
        paragraph,
        (text) => font.widthOfTextAtSize(text, FONT_SIZE),
        maxWidth,
      )) {
        page.drawText(line, { x: MARGIN, y, size: FONT_SIZE, font });
        y -= LINE_HEIGHT;
      }
      y -= PARAGRAPH_GAP;
    }
  }
  return pdf.save();
}

/** A PDF of `pages` pages with `paragraphsPerPage` generated paragraphs each (~60 words). */
export function generateTestPdf(pages: number, paragraphsPerPage: number): Promise<Uint8Array> {
  const content = Array.from({ length: pages }, (_, page) =>
    Array.from({ length: paragraphsPerPage }, (_, paragraph) =>
      testParagraph(page + 1, paragraph + 1),
    ),
  );
  return generatePdfFromPages(content, `Generated test document (${pages} pages)`);
}

/** A deterministic paragraph of about sixty words naming its page and position. */
export function testParagraph(page: number, paragraph: number): string {
  const topics = ['storage', 'networking', 'inference', 'retrieval', 'scheduling', 'telemetry'];
  const topic = topics[(page * 7 + paragraph) % topics.length] ?? 'storage';
  return [
    `Page ${page}, paragraph ${paragraph} describes ${topic} in the homelab cluster.`,
    `The ${topic} service keeps its state on the shared volume and reports health every ${10 + paragraph} seconds.`,
    `Operators tune ${topic} through configuration rather than code, and every change is reviewed before it reaches production.`,
    `When a node fails, the ${topic} workload moves to a healthy node within ${page + paragraph} minutes.`,
  ].join(' ');
}

function wrap(text: string, widthOf: (text: string) => number, maxWidth: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (line !== '' && widthOf(candidate) > maxWidth) {
      lines.push(line);
      line = word;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
