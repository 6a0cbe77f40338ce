/**
 * Test fixtures: real DOCX files made with the `docx` package, with heading styles, paragraphs
 * and an optional table.
 */
import { Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow } from 'docx';

export interface DocxBlock {
  heading?: { text: string; level: 1 | 2 | 3 };
  paragraphs?: readonly string[];
  table?: readonly (readonly string[])[];
}

const HEADING_LEVELS = {
  1: HeadingLevel.HEADING_1,
  2: HeadingLevel.HEADING_2,
  3: HeadingLevel.HEADING_3,
} as const;

/** A DOCX holding the blocks in order (optionally a Title-styled first paragraph). */
export async function generateTestDocx(
  blocks: readonly DocxBlock[],
  title?: string,
): Promise<Uint8Array> {
  const children: (Paragraph | Table)[] = [];
  if (title) children.push(new Paragraph({ text: title, heading: HeadingLevel.TITLE }));
  for (const block of blocks) {
    if (block.heading) {
      children.push(
        new Paragraph({ text: block.heading.text, heading: HEADING_LEVELS[block.heading.level] }),
      );
    }
    for (const text of block.paragraphs ?? []) children.push(new Paragraph({ text }));
    if (block.table) {
      const rows = block.table.map(
        (cells) =>
          new TableRow({
            children: cells.map((text) => new TableCell({ children: [new Paragraph({ text })] })),
          }),
      );
      children.push(new Table({ rows }));
    }
  }
  const document = new Document({ sections: [{ children }] });
  return new Uint8Array(await Packer.toBuffer(document));
}
