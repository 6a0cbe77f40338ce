/**
 * Every kind of bad upload is refused with a PlatformError whose message says what is wrong
 * with the file — never a crash, a hang or a silently empty document.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { PDFDocument, rgb } from 'pdf-lib';
import { PlatformError } from '@homelab-ai/contracts';
import { generatePdfFromPages, generateTestDocx } from '../testing/index.js';
import { parseDocument, type ParseOptions } from './index.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const latin1 = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);

async function assertRefused(
  bytes: Uint8Array,
  options: ParseOptions,
  code: string,
  message: RegExp,
): Promise<void> {
  await assert.rejects(parseDocument(bytes, options), (error: unknown) => {
    assert.ok(error instanceof PlatformError, `expected a PlatformError, got ${String(error)}`);
    assert.equal(error.code, code);
    assert.match(error.message, message);
    assert.ok(error.message.includes(options.filename), 'the message names the file');
    return true;
  });
}

/** Declares `size` bytes as the uncompressed size of `entryName` in both zip headers. */
function declareUncompressedSize(zip: Uint8Array, entryName: string, size: number): Uint8Array {
  const patched = zip.slice();
  const view = new DataView(patched.buffer);
  const text = latin1(patched);
  const patch = (
    signature: string,
    nameOffset: number,
    lengthOffset: number,
    sizeOffset: number,
  ): void => {
    for (let at = text.indexOf(signature); at !== -1; at = text.indexOf(signature, at + 4)) {
      const nameLength = view.getUint16(at + lengthOffset, true);
      if (text.slice(at + nameOffset, at + nameOffset + nameLength) === entryName) {
        view.setUint32(at + sizeOffset, size, true);
      }
    }
  };
  patch('PK\x03\x04', 30, 26, 22); // local file header
  patch('PK\x01\x02', 46, 28, 24); // central directory header
  return patched;
}

describe('parseDocument refuses bad input', () => {
  it('an empty file', async () => {
    await assertRefused(new Uint8Array(0), { filename: 'empty.txt' }, 'invalid_input', /empty/);
  });

  it('an unsupported type, naming the supported ones', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await assertRefused(
      png,
      { filename: 'photo.png', contentType: 'image/png' },
      'invalid_input',
      /unsupported file type \(extension \.png, content type image\/png\); supported: PDF .*Word .*HTML.*Markdown.*plain text.*CSV/,
    );
  });

  it('a file over maxBytes, as payload_too_large', async () => {
    await assertRefused(
      utf8('x'.repeat(2048)),
      { filename: 'big.txt', maxBytes: 1024 },
      'payload_too_large',
      /2048 bytes is over the 1024-byte limit/,
    );
  });

  it('a truncated PDF', async () => {
    const pdf = await generatePdfFromPages([['Page one.'], ['Page two.']]);
    const truncated = pdf.subarray(0, Math.floor(pdf.length / 2));
    await assertRefused(
      truncated,
      { filename: 'cut.pdf' },
      'invalid_input',
      /corrupt or truncated PDF/,
    );
  });

  it('a corrupt PDF: a header and an end marker around garbage', async () => {
    const garbage = Uint8Array.from({ length: 4000 }, (_, index) => (index * 7919) % 251);
    const corrupt = new Uint8Array([...utf8('%PDF-1.7\n'), ...garbage, ...utf8('\n%%EOF\n')]);
    await assertRefused(
      corrupt,
      { filename: 'junk.pdf' },
      'invalid_input',
      /corrupt or truncated PDF/,
    );
  });

  it('an encrypted PDF', async () => {
    const source = await PDFDocument.create();
    source.addPage().drawText('Secret plans.');
    const plain = latin1(await source.save({ useObjectStreams: false }));
    const encryptDictionary =
      '/Encrypt << /Filter /Standard /V 1 /R 2 /P -44 ' +
      `/O <${'ab'.repeat(32)}> /U <${'cd'.repeat(32)}> >>`;
    const encrypted = plain.replace(/trailer\s*<</, (match) => `${match}\n${encryptDictionary}\n`);
    assert.notEqual(encrypted, plain);
    const bytes = Uint8Array.from(encrypted, (char) => char.charCodeAt(0));
    await assertRefused(bytes, { filename: 'locked.pdf' }, 'invalid_input', /encrypted/);
  });

  it('a PDF without a text layer (a scan)', async () => {
    const scan = await PDFDocument.create();
    scan
      .addPage()
      .drawRectangle({ x: 50, y: 50, width: 400, height: 600, color: rgb(0.2, 0.2, 0.2) });
    await assertRefused(
      await scan.save(),
      { filename: 'scan.pdf' },
      'invalid_input',
      /no extractable text \(scanned PDF\? OCR is not supported\)/,
    );
  });

  it('a PDF whose compressed streams would unpack past the limit', async () => {
    const source = await PDFDocument.create();
    source.addPage().drawText('Looks harmless.');
    source.context.register(source.context.flateStream(new Uint8Array(8 * 1024 * 1024)));
    const bytes = await source.save();
    assert.ok(bytes.length < 100_000, 'the file itself is small');
    await assertRefused(
      bytes,
      { filename: 'inflated.pdf', maxUnzippedBytes: 4 * 1024 * 1024 },
      'invalid_input',
      /possible decompression bomb \(its streams unpack to more than 4\.0 MB\)/,
    );
    const parsed = await parseDocument(bytes, { filename: 'inflated.pdf' });
    assert.equal(parsed.sections[0]?.text, 'Looks harmless.');
  });

  it('a .docx that is not a zip archive', async () => {
    await assertRefused(
      utf8('This was saved as plain text with a .docx name.'),
      { filename: 'report.docx' },
      'invalid_input',
      /not a valid DOCX \(not a zip archive\)/,
    );
  });

  it('a truncated .docx', async () => {
    const docx = await generateTestDocx([{ paragraphs: ['Hello.'] }]);
    await assertRefused(
      docx.subarray(0, Math.floor(docx.length * 0.6)),
      { filename: 'cut.docx' },
      'invalid_input',
      /not a valid DOCX \(the zip archive is corrupt or truncated/,
    );
  });

  it('a zip that is not a Word document', async () => {
    const zip = zipSync({ 'notes.txt': utf8('hello') });
    await assertRefused(zip, { filename: 'archive.zip' }, 'invalid_input', /not a Word document/);
  });

  it('a zip bomb whose entries would unpack past the size limit', async () => {
    const docx = await generateTestDocx([{ paragraphs: ['Innocent looking.'] }]);
    const bomb = declareUncompressedSize(docx, 'word/document.xml', 300 * 1024 * 1024);
    await assertRefused(
      bomb,
      { filename: 'bomb.docx' },
      'invalid_input',
      /possible zip bomb \(it would unpack to 300\.\d MB, the limit is 200\.0 MB\)/,
    );
  });

  it('a zip bomb compressed far beyond real documents (real deflate of 24 MB of zeros)', async () => {
    const parts: Uint8Array[] = [];
    const zip = new Zip((error, data) => {
      if (error) throw error;
      parts.push(data);
    });
    const documentXml = new ZipDeflate('word/document.xml', { level: 9 });
    zip.add(documentXml);
    documentXml.push(utf8('<w:document><w:body/></w:document>'), true);
    const zeros = new ZipDeflate('word/media/padding.bin', { level: 9 });
    zip.add(zeros);
    const megabyte = new Uint8Array(1024 * 1024);
    for (let index = 0; index < 24; index += 1) zeros.push(megabyte, index === 23);
    zip.end();
    const bomb = new Uint8Array(Buffer.concat(parts));
    assert.ok(bomb.length < 100_000, 'the archive itself is small');
    await assertRefused(
      bomb,
      { filename: 'ratio.docx' },
      'invalid_input',
      /possible zip bomb \(compression ratio \d+:1, the limit is 100:1\)/,
    );
  });

  it('binary data declared as text: NUL bytes', async () => {
    const binary = Uint8Array.from({ length: 512 }, (_, index) => (index * 31) % 256);
    await assertRefused(
      binary,
      { filename: 'data.txt' },
      'invalid_input',
      /not a text file \(binary data/,
    );
  });

  it('binary data declared as Markdown: invalid UTF-8', async () => {
    const invalid = Uint8Array.from([0x23, 0x20, 0x48, 0x69, 0x0a, 0xc3, 0x28, 0xff, 0xfe, 0x41]);
    await assertRefused(invalid, { filename: 'notes.md' }, 'invalid_input', /not valid UTF-8/);
  });

  it('a cancelled parse', async () => {
    const controller = new AbortController();
    controller.abort();
    await assertRefused(
      utf8('text'),
      { filename: 'late.txt', signal: controller.signal },
      'cancelled',
      /cancelled/,
    );
  });
});
