/**
 * Runs an engine's command-line program (espeak-ng, pocketsphinx) as a child process: input on
 * stdin, output collected, stdout lines reported as they arrive, killed on abort or when its
 * caller stops listening. Arguments are passed without a shell, so text is never interpreted.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, isAbsolute, join } from 'node:path';
import { PlatformError } from '@homelab-ai/contracts';

/** The full path of an executable: `name` itself when it contains a slash, else looked up on PATH. */
export async function findExecutable(name: string): Promise<string | undefined> {
  const candidates =
    isAbsolute(name) || name.includes('/')
      ? [name]
      : (process.env['PATH'] ?? '')
          .split(delimiter)
          .filter(Boolean)
          .map((directory) => join(directory, name));
  for (const candidate of candidates) {
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here: try the next directory
    }
  }
  return undefined;
}

export interface ProcessRun {
  command: string;
  args: readonly string[];
  stdin?: string | Uint8Array;
  signal?: AbortSignal | undefined;
  /** Called with each complete stdout line while the program runs. */
  onStdoutLine?: (line: string) => void;
  /** Names the service in error messages, e.g. `espeak-ng`. */
  service: string;
}

export interface ProcessResult {
  stdout: Buffer;
  stderr: string;
}

function cancelled(service: string): PlatformError {
  return new PlatformError('cancelled', `${service}: the request was cancelled`);
}

/** Runs a program to completion; rejects with `cancelled` on abort (the process is killed). */
export function runProcess(run: ProcessRun): Promise<ProcessResult> {
  const { command, args, signal, service } = run;
  if (signal?.aborted) return Promise.reject(cancelled(service));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let pendingLine = '';
    const kill = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', kill, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdout.push(chunk);
      if (!run.onStdoutLine) return;
      const lines = (pendingLine + chunk.toString('utf8')).split('\n');
      pendingLine = lines.pop() ?? '';
      lines.forEach((line) => run.onStdoutLine?.(line));
    });
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // The program may exit before reading all input (e.g. when killed); that is reported below.
    child.stdin.on('error', () => undefined);
    child.stdin.end(run.stdin ?? '');
    child.on('error', (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener('abort', kill);
      const missing = error.code === 'ENOENT';
      reject(
        new PlatformError(
          missing ? 'model_not_configured' : 'model_error',
          `${service}: cannot run ${command}: ${error.message}`,
          { cause: error },
        ),
      );
    });
    child.on('close', (exitCode, exitSignal) => {
      signal?.removeEventListener('abort', kill);
      if (pendingLine && run.onStdoutLine) run.onStdoutLine(pendingLine);
      const errorText = Buffer.concat(stderr).toString('utf8').trim();
      if (signal?.aborted) return reject(cancelled(service));
      if (exitCode !== 0) {
        const how = exitSignal ? `was killed by ${exitSignal}` : `exited with code ${exitCode}`;
        return reject(
          new PlatformError(
            'model_error',
            `${service}: ${command} ${how}${errorText ? `: ${errorText}` : ''}`,
          ),
        );
      }
      resolve({ stdout: Buffer.concat(stdout), stderr: errorText });
    });
  });
}
