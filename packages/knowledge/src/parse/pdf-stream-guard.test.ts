import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import { assertNoStreamBomb } from './pdf-stream-guard.js';

const MB = 1024 * 1024;

/** A PDF-like file holding FlateDecode streams of `streams`, padded to `size` bytes. */
function fileWithStreams(streams: Uint8Array[], size = 0): Uint8Array {
  const parts = streams.flatMap((data, index) => [
    Buffer.from(`${index + 1} 0 obj\n<< /Filter /FlateDecode >>\nstream\n`, 'latin1'),
    data,
    Buffer.from('\nendstream\nendobj\n', 'latin1'),
  ]);
  const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), ...parts]);
  const padding = Buffer.alloc(Math.max(0, size - body.length), 32);
  return new Uint8Array(Buffer.concat([body, padding, Buffer.from('%%EOF\n')]));
}

describe('PDF stream guard', () => {
  it('refuses streams that unpack past the limit', () => {
    const bomb = fileWithStreams([deflateSync(Buffer.alloc(8 * MB))]);
    assert.throws(() => assertNoStreamBomb(bomb, 'bomb.pdf', 4 * MB), /decompression bomb/);
  });

  it('counts what a stream corrupt past some point unpacks to before it breaks', () => {
    const broken = deflateSync(Buffer.alloc(3 * MB));
    broken.fill(0xff, broken.length - 64, broken.length - 8);
    const intact = deflateSync(Buffer.alloc(3 * MB));
    assert.throws(
      () => assertNoStreamBomb(fileWithStreams([broken, intact]), 'broken.pdf', 4 * MB),
      /decompression bomb/,
    );
  });

  it('accepts streams within the limit, however large the file', () => {
    const text = Buffer.from('BT /F1 12 Tf (Hello) Tj ET\n'.repeat(20_000));
    const file = fileWithStreams([deflateSync(text)], 2 * MB);
    assert.doesNotThrow(() => assertNoStreamBomb(file, 'large.pdf', 4 * MB));
  });
});
