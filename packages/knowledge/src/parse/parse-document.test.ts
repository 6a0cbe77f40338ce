/**
 * parseDocument on real files of each supported type: what a person uploading them would
 * expect to find — the text, on the right page, under the right headings.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generatePdfFromPages, generateTestDocx } from '../testing/index.js';
import { parseDocument } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('parseDocument', () => {
  it('keeps each fact of a 3-page PDF on its own page, with words spaced and paragraphs apart', async () => {
    const pdf = await generatePdfFromPages(
      [
        ['The backup server is named Osprey.', 'A second paragraph on page one.'],
        ['The GPU node has 48 GB of VRAM.'],
        ['Nightly jobs start at 02:30 UTC.'],
      ],
      'Cluster facts',
    );
    const parsed = await parseDocument(pdf, { filename: 'facts.pdf' });
    assert.equal(parsed.type, 'pdf');
    assert.equal(parsed.title, 'Cluster facts');
    assert.deepEqual(
      parsed.sections.map((section) => [section.page, section.text]),
      [
        [1, 'The backup server is named Osprey.\n\nA second paragraph on page one.'],
        [2, 'The GPU node has 48 GB of VRAM.'],
        [3, 'Nightly jobs start at 02:30 UTC.'],
      ],
    );
  });

  it('joins the wrapped lines of a long PDF paragraph without losing or gluing words', async () => {
    const words = Array.from({ length: 120 }, (_, index) => `word${index}`);
    const pdf = await generatePdfFromPages([[words.join(' ')]]);
    const [section] = (await parseDocument(pdf, { filename: 'long.pdf' })).sections;
    assert.ok(section);
    assert.ok(section.text.includes('\n'), 'the paragraph was wrapped over several lines');
    assert.deepEqual(section.text.split(/\s+/), words);
  });

  it('gives DOCX text the heading path of its Word heading styles', async () => {
    const docx = await generateTestDocx(
      [
        { heading: { text: 'Installation', level: 1 }, paragraphs: ['Run the installer first.'] },
        {
          heading: { text: 'Network setup', level: 2 },
          paragraphs: ['Open port 8080 on the firewall.'],
          table: [
            ['Port', 'Service'],
            ['8080', 'gateway'],
          ],
        },
        { heading: { text: 'Upgrades', level: 1 }, paragraphs: ['Upgrade one node at a time.'] },
      ],
      'Operations guide',
    );
    const parsed = await parseDocument(docx, { filename: 'guide.docx' });
    assert.equal(parsed.type, 'docx');
    assert.equal(parsed.title, 'Operations guide');
    assert.deepEqual(parsed.sections, [
      { text: 'Run the installer first.', headingPath: ['Installation'] },
      {
        text: 'Open port 8080 on the firewall.\n\nPort | Service\n8080 | gateway',
        headingPath: ['Installation', 'Network setup'],
      },
      { text: 'Upgrade one node at a time.', headingPath: ['Upgrades'] },
    ]);
  });

  it('walks HTML headings and drops navigation, scripts and styles', async () => {
    const html = `<!doctype html><html><head><title>Runbook &amp; notes</title>
      <style>p { color: red }</style><script>var secret = "do not index";</script></head>
      <body><header>Site header</header><nav><a href="/">Home</a></nav>
      <h1>Runbook</h1><p>Restart the  <b>gateway</b>
      first.</p>
      <h2>Checks</h2><ul><li>Disk &lt; 90%</li><li>Memory ok</li></ul>
      <table><tr><th>Host</th><th>Role</th></tr><tr><td>osprey</td><td>backup</td></tr></table>
      <h1>Contacts</h1><p>Call the on-call engineer.</p>
      <footer>© footer text</footer></body></html>`;
    const parsed = await parseDocument(utf8(html), { filename: 'runbook.html' });
    assert.equal(parsed.type, 'html');
    assert.equal(parsed.title, 'Runbook & notes');
    assert.deepEqual(parsed.sections, [
      { text: 'Restart the gateway first.', headingPath: ['Runbook'] },
      {
        text: '- Disk < 90%\n- Memory ok\n\nHost | Role\nosprey | backup',
        headingPath: ['Runbook', 'Checks'],
      },
      { text: 'Call the on-call engineer.', headingPath: ['Contacts'] },
    ]);
  });

  it('builds Markdown heading paths and keeps code blocks as text', async () => {
    const markdown = [
      '# Guide',
      'Intro with *emphasis* and a [link](https://example.invalid).',
      '',
      '## Install',
      '',
      '```sh',
      'npm ci',
      '# not a heading',
      '```',
      '',
      '### Options',
      '- one',
      '- two',
      '',
      'Setext title',
      '============',
      'Last words.',
    ].join('\n');
    const parsed = await parseDocument(utf8(markdown), { filename: 'guide.md' });
    assert.equal(parsed.type, 'markdown');
    assert.equal(parsed.title, 'Guide');
    assert.deepEqual(parsed.sections, [
      { text: 'Intro with emphasis and a link.', headingPath: ['Guide'] },
      { text: 'npm ci\n# not a heading', headingPath: ['Guide', 'Install'] },
      { text: '- one\n- two', headingPath: ['Guide', 'Install', 'Options'] },
      { text: 'Last words.', headingPath: ['Setext title'] },
    ]);
  });

  it('renders CSV rows as header: value lines, the header repeated in each group of rows', async () => {
    const csv =
      'host,role,notes\nosprey,backup,"nightly, at 02:30"\nheron,gpu,"says ""hi"""\nkite,edge,\n';
    const parsed = await parseDocument(utf8(csv), {
      filename: 'hosts.csv',
      csvRowsPerSection: 2,
    });
    assert.equal(parsed.type, 'csv');
    assert.deepEqual(parsed.sections, [
      {
        text:
          'row 1\nhost: osprey\nrole: backup\nnotes: nightly, at 02:30\n\n' +
          'row 2\nhost: heron\nrole: gpu\nnotes: says "hi"',
        headingPath: ['rows 1–2'],
      },
      { text: 'row 3\nhost: kite\nrole: edge\nnotes: ', headingPath: ['rows 3–3'] },
    ]);
  });

  it('splits plain text into paragraphs and detects the type from the content type', async () => {
    const parsed = await parseDocument(utf8('First line\nsame paragraph.\n\n\nSecond one.\n'), {
      filename: 'notes',
      contentType: 'text/plain; charset=utf-8',
    });
    assert.equal(parsed.type, 'text');
    assert.deepEqual(parsed.sections, [
      { text: 'First line\nsame paragraph.\n\nSecond one.', headingPath: [] },
    ]);
  });

  it('trusts magic bytes over a misleading name', async () => {
    const pdf = await generatePdfFromPages([['Content decides the type.']]);
    const parsed = await parseDocument(pdf, {
      filename: 'download.txt',
      contentType: 'text/plain',
    });
    assert.equal(parsed.type, 'pdf');
  });
});
