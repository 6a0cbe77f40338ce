/**
 * splitMarkdown cuts only before top-level headings outside code, and not at all where a cut
 * could change what the text means.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { splitMarkdown } from './markdown-split.js';

const section = (heading: string): string => `${heading}\n\n${'Some words here. '.repeat(20)}\n\n`;

describe('splitMarkdown', () => {
  it('cuts before headings into parts that join back to the text', () => {
    const text = Array.from({ length: 40 }, (_, index) => section(`## Part ${index}`)).join('');
    const parts = splitMarkdown(text, 4);
    assert.equal(parts.length, 4);
    assert.equal(parts.join(''), text);
    for (const part of parts.slice(1)) assert.match(part, /^## Part \d+\n/);
  });

  it('never cuts inside a fenced code block', () => {
    const code = '```\n\n# not a heading\n\n# nor this\n\n```\n\n';
    const text = section('# Start') + code.repeat(200) + section('# End');
    const parts = splitMarkdown(text, 4);
    assert.equal(parts.join(''), text);
    for (const part of parts.slice(1)) assert.match(part, /^# End\n/);
  });

  it('leaves text whole when a cut could change its meaning', () => {
    const body = Array.from({ length: 20 }, (_, index) => section(`# Part ${index}`)).join('');
    for (const risky of ['[ref]: https://example.com\n\n', '<!--\n\n# x\n\n-->\n\n', '  ```\n']) {
      assert.deepEqual(splitMarkdown(risky + body, 4), [risky + body]);
    }
  });
});
