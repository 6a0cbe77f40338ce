/** Upload progress on stderr: redrawn in place on a terminal, a few plain lines otherwise. */
export interface IngestProgress {
  uploaded(bytes: number): void;
  done(word: string): void;
}

const MB = 1024 * 1024;

export function createIngestProgress(name: string, total: number): IngestProgress {
  const tty = process.stderr.isTTY;
  const started = Date.now();
  let lastDraw = 0;
  let lastDecile = -1;
  const line = (bytes: number) => {
    const fraction = total === 0 ? 1 : bytes / total;
    const width = 24;
    const filled = Math.round(fraction * width);
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    return `${name} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ${(bytes / MB).toFixed(1)}/${(total / MB).toFixed(1)} MB ${(bytes / MB / seconds).toFixed(1)} MB/s`;
  };
  return {
    uploaded(bytes) {
      const now = Date.now();
      if (tty) {
        if (now - lastDraw < 100 && bytes < total) return;
        lastDraw = now;
        process.stderr.write(`\r${line(bytes)}`);
        return;
      }
      const decile = Math.floor((total === 0 ? 1 : bytes / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${line(bytes)}\n`);
      }
    },
    done(word) {
      process.stderr.write(`${tty ? '\r' : ''}${line(total)} ${word}\n`);
    },
  };
}
