/**
 * The download progress line of `models pull`: percent, MB, MB/s and ETA. On a terminal it is
 * redrawn in place (at most ten times a second); otherwise a plain line is printed every few
 * seconds, so logs stay readable.
 */
export interface ProgressUpdate {
  /** What is being downloaded, e.g. the file name. */
  file: string;
  receivedBytes: number;
  totalBytes: number | undefined;
  /** Bytes fetched by this process (the speed ignores bytes resumed from disk). */
  downloadedBytes: number;
}

export interface ProgressBar {
  update(progress: ProgressUpdate): void;
  note(message: string): void;
  /** Draws the last state and ends the line. */
  finish(): void;
}

interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

const MB = 1024 * 1024;

export function createProgressBar(
  output: Output,
  options: { now?: () => number; plainEveryMs?: number } = {},
): ProgressBar {
  const now = options.now ?? Date.now;
  const interactive = output.isTTY === true;
  const everyMs = interactive ? 100 : (options.plainEveryMs ?? 5_000);
  const startedAt = now();
  // The first line waits one interval: a speed measured over a few milliseconds means nothing.
  let lastDrawAt = startedAt;
  let last: ProgressUpdate | undefined;
  let drewInPlace = false;

  const draw = () => {
    if (!last) return;
    const line = `pulling ${last.file} ${describeProgress(last, now() - startedAt)}`;
    if (interactive) {
      const columns = output.columns !== undefined && output.columns > 0 ? output.columns : 100;
      const width = Math.max(20, columns - 1);
      output.write(`\r${line.slice(0, width).padEnd(width)}`);
      drewInPlace = true;
    } else output.write(`${line}\n`);
    lastDrawAt = now();
  };

  return {
    /** Prints a message on its own line (a redrawn bar is ended first). */
    note(message: string) {
      if (drewInPlace) output.write('\n');
      drewInPlace = false;
      output.write(`${message}\n`);
    },
    update(progress) {
      last = progress;
      if (now() - lastDrawAt >= everyMs) draw();
    },
    finish() {
      draw();
      if (drewInPlace) output.write('\n');
    },
  };
}

/** ` 42.0%  123.4/940.1 MB  12.3 MB/s  ETA 1m05s` (percent and ETA only when the size is known). */
export function describeProgress(progress: ProgressUpdate, elapsedMs: number): string {
  const { receivedBytes, totalBytes, downloadedBytes } = progress;
  const speed = elapsedMs > 0 ? downloadedBytes / (elapsedMs / 1000) : 0;
  const parts: string[] = [];
  if (totalBytes !== undefined && totalBytes > 0) {
    parts.push(`${((100 * receivedBytes) / totalBytes).toFixed(1).padStart(5)}%`);
    parts.push(`${megabytes(receivedBytes)}/${megabytes(totalBytes)} MB`);
  } else parts.push(`${megabytes(receivedBytes)} MB`);
  parts.push(`${megabytes(speed)} MB/s`);
  if (totalBytes !== undefined && speed > 0 && receivedBytes < totalBytes)
    parts.push(`ETA ${duration((totalBytes - receivedBytes) / speed)}`);
  return parts.join('  ');
}

function megabytes(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

function duration(seconds: number): string {
  const total = Math.ceil(seconds);
  if (total < 60) return `${total}s`;
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}m${String(total % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
