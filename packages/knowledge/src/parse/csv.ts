/**
 * CSV to sections with csv-parse: each row is rendered as `header: value` lines (one
 * paragraph per row), and rows are grouped N to a section so the header names travel with
 * every chunk. The delimiter (comma, semicolon or tab) is detected from the header line.
 */
import { parse } from 'csv-parse/sync';
import { PlatformError } from '@homelab-ai/contracts';
import type { ParsedDocument, Section } from './types.js';

const DELIMITERS = [',', ';', '\t'] as const;

/** Parses CSV text; `rowsPerSection` rows (default 20) share one section. */
export function csvToDocument(text: string, filename: string, rowsPerSection = 20): ParsedDocument {
  const rows = parseRows(text, filename);
  const header = rows[0]?.map((name, index) => name.trim() || `column ${index + 1}`);
  if (!header) return { type: 'csv', sections: [] };
  const sections: Section[] = [];
  const dataRows = rows.slice(1).filter((row) => row.some((cell) => cell.trim() !== ''));
  for (let start = 0; start < dataRows.length; start += rowsPerSection) {
    const group = dataRows.slice(start, start + rowsPerSection);
    const rendered = group.map((row, offset) => {
      const lines = header.map((name, column) => `${name}: ${(row[column] ?? '').trim()}`);
      const extra = row.slice(header.length).filter((cell) => cell.trim() !== '');
      if (extra.length > 0) lines.push(`(extra): ${extra.join(', ')}`);
      return [`row ${start + offset + 1}`, ...lines].join('\n');
    });
    sections.push({
      text: rendered.join('\n\n'),
      headingPath: [`rows ${start + 1}–${start + group.length}`],
    });
  }
  return { type: 'csv', sections };
}

function parseRows(text: string, filename: string): string[][] {
  try {
    return parse(text, {
      bom: true,
      delimiter: detectDelimiter(text),
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PlatformError(
      'invalid_input',
      `${filename}: malformed CSV (${reason}); check the file's quoting and delimiters`,
      { cause: error },
    );
  }
}

/** The candidate that splits the first line into the most fields (quotes ignored). */
function detectDelimiter(text: string): string {
  const lineEnd = text.search(/\r?\n/);
  const firstLine = (lineEnd === -1 ? text : text.slice(0, lineEnd)).replace(/"[^"]*"/g, '');
  let best: string = DELIMITERS[0];
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = firstLine.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}
