/**
 * Parsing a PDF leaves the process's built-ins alone: pdf.js's bundled polyfills once replaced
 * JSON.stringify (about 60× slower), JSON.parse and Array.prototype.push for every module.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { generateTestPdf } from '../testing/index.js';
import { parseDocument } from './index.js';

describe('loading pdf.js', () => {
  it('keeps the native JSON and Array methods', async () => {
    const natives = {
      parse: JSON.parse,
      stringify: JSON.stringify,
      push: Array.prototype.push,
    };
    const parsed = await parseDocument(await generateTestPdf(2, 2), { filename: 'two.pdf' });
    assert.equal(parsed.sections.length, 2);
    assert.equal(JSON.parse, natives.parse);
    assert.equal(JSON.stringify, natives.stringify);
    assert.equal(Array.prototype.push, natives.push);
  });
});
