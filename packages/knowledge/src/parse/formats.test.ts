/**
 * The finer points of each format a person would notice in search results: words in a PDF
 * line spaced the way they were drawn, Markdown lists, tables and quotes kept as readable
 * text, CSV files with semicolons, tabs or a byte-order mark, and HTML entities and breaks.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { PlatformError } from '@homelab-ai/contracts';
import { parseDocument } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseDocument format details', () => {
  it('spaces PDF words drawn apart on one line, and does not split a word drawn in pieces', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const page = pdf.addPage([595, 842]);
    const size = 11;
    page.drawText('Total', { x: 56, y: 700, size, font });
    page.drawText('42', { x: 200, y: 700, size, font });
    page.drawText('Os', { x: 56, y: 686, size, font });
    page.drawText('prey', { x: 56 + font.widthOfTextAtSize('Os', size), y: 686, size, font });
    page.drawText('Far below.', { x: 56, y: 600, size, font });
    const parsed = await parseDocument(await pdf.save(), { filename: 'table.pdf' });
    assert.deepEqual(parsed.sections, [
      { text: 'Total 42\nOsprey\n\nFar below.', headingPath: [], page: 1 },
    ]);
  });

  it('keeps Markdown quotes, ordered and nested lists, tables and raw HTML as plain text', async () => {
    const markdown = [
      '---',
      'title: front matter is not text',
      '---',
      '# Ops',
      '> Quoted *advice* here.',
      '',
      '1. first `step`',
      '2. second',
      '   - nested ![diagram](d.png)',
      '',
      '| Host | Role |',
      '|:-----|-----:|',
      '| osprey | backup |',
      '',
      '<div>raw <b>html</b></div>',
    ].join('\n');
    const parsed = await parseDocument(utf8(markdown), { filename: 'ops.md' });
    assert.deepEqual(parsed.sections, [
      {
        text:
          'Quoted advice here.\n\n1. first step\n2. second\n- nested diagram\n\n' +
          'Host | Role\nosprey | backup\n\nraw html',
        headingPath: ['Ops'],
      },
    ]);
  });

  it('reads semicolon CSV with a byte-order mark, and tab-separated values', async () => {
    const semicolons = await parseDocument(utf8('\ufeffname;size\nalpha;"1;5"\nbeta;2\n'), {
      filename: 'sizes.csv',
    });
    assert.deepEqual(semicolons.sections, [
      {
        text: 'row 1\nname: alpha\nsize: 1;5\n\nrow 2\nname: beta\nsize: 2',
        headingPath: ['rows 1–2'],
      },
    ]);
    const tabs = await parseDocument(utf8('name\theight\nmast\t5" tall\n'), {
      filename: 'heights.tsv',
    });
    assert.deepEqual(tabs.sections, [
      { text: 'row 1\nname: mast\nheight: 5" tall', headingPath: ['rows 1–1'] },
    ]);
  });

  it('refuses a CSV whose quoted field is never closed', async () => {
    await assert.rejects(
      parseDocument(utf8('host,notes\nosprey,"never closed\n'), { filename: 'broken.csv' }),
      (error: unknown) =>
        error instanceof PlatformError &&
        error.code === 'invalid_input' &&
        /broken\.csv: malformed CSV/.test(error.message),
    );
  });

  it('decodes HTML entities, keeps <br> line breaks and <pre> indentation', async () => {
    const html =
      '<p>Fish &amp; chips<br>second line</p>' +
      '<table><tr><td><p>two</p><p>paragraphs</p></td><td>cell</td></tr></table>' +
      '<pre>  make\n    install</pre>';
    const parsed = await parseDocument(utf8(html), { filename: 'menu.html' });
    assert.deepEqual(parsed.sections, [
      {
        text: 'Fish & chips\nsecond line\n\ntwo paragraphs | cell\n\n  make\n    install',
        headingPath: [],
      },
    ]);
  });
});
