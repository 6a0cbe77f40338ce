/** The `models pull` progress line: what it says, and how often it is printed. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgressBar, describeProgress } from './progress-bar.js';

const MB = 1024 * 1024;

describe('progress bar', () => {
  it('shows percent, MB, speed and ETA, and only MB and speed when the size is unknown', () => {
    const known = describeProgress(
      { file: 'm.gguf', receivedBytes: 60 * MB, totalBytes: 100 * MB, downloadedBytes: 40 * MB },
      4_000,
    );
    assert.equal(known, ' 60.0%  60.0/100.0 MB  10.0 MB/s  ETA 4s');
    const long = describeProgress(
      { file: 'm.gguf', receivedBytes: 0, totalBytes: 1000 * MB, downloadedBytes: 1 * MB },
      1_000,
    );
    assert.match(long, /ETA 16m40s$/);
    const unknown = describeProgress(
      { file: 'm.gguf', receivedBytes: 5 * MB, totalBytes: undefined, downloadedBytes: 5 * MB },
      1_000,
    );
    assert.equal(unknown, '5.0 MB  5.0 MB/s');
  });

  it('prints plain lines every few seconds off a terminal, and redraws in place on one', () => {
    let clock = 0;
    const plain: string[] = [];
    const bar = createProgressBar({ write: (text) => plain.push(text) }, { now: () => clock });
    for (clock = 0; clock <= 12_000; clock += 500)
      bar.update({
        file: 'm.gguf',
        receivedBytes: clock,
        totalBytes: 12_000,
        downloadedBytes: clock,
      });
    bar.finish();
    assert.equal(plain.length, 3, plain.join(''));
    assert.ok(plain.every((line) => line.startsWith('pulling m.gguf') && line.endsWith('\n')));
    assert.match(plain.at(-1) ?? '', /100\.0%/);

    const tty: string[] = [];
    const redrawn = createProgressBar(
      { write: (text) => tty.push(text), isTTY: true, columns: 80 },
      { now: () => clock },
    );
    for (let step = 1; step <= 5; step++) {
      clock += 200;
      redrawn.update({ file: 'm.gguf', receivedBytes: step, totalBytes: 5, downloadedBytes: step });
    }
    redrawn.finish();
    assert.ok(tty.slice(0, -1).every((text) => text.startsWith('\r') && text.length === 80));
    assert.equal(tty.at(-1), '\n');
  });
});
