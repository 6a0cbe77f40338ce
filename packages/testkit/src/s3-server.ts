/**
 * Starts s3rver (the npm package, a small S3 API server) as a child process on a free port with
 * a temporary data folder, for tests of the S3 object store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface S3ServerHandle {
  /** E.g. `http://127.0.0.1:43121`; use path-style addressing. */
  endpoint: string;
  port: number;
  /** s3rver checks signatures against these fixed credentials. */
  accessKeyId: string;
  secretAccessKey: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

const LISTENING = /S3rver listening on [^:\s]+:(\d+)/;

function s3rverScript(): string {
  try {
    return createRequire(import.meta.url).resolve('s3rver/bin/s3rver.js');
  } catch (error) {
    throw new Error('s3rver is not installed (npm i -D s3rver in the package that tests S3)', {
      cause: error,
    });
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Resolves with the port once the child prints that it listens; rejects if it dies first. */
function listeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const collect = (chunk: Buffer) => void (output += chunk.toString());
    const settle = () => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.stderr?.off('data', collect);
      child.off('error', onError);
      child.off('exit', onExit);
      // Keep draining its output so the child never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
    };
    const fail = (reason: string) => {
      settle();
      child.kill('SIGKILL');
      reject(new Error(`s3rver ${reason}: ${output.trim().slice(-500)}`));
    };
    const onStdout = (chunk: Buffer) => {
      collect(chunk);
      const match = LISTENING.exec(output);
      if (match?.[1] === undefined) return;
      settle();
      resolve(Number(match[1]));
    };
    const onError = (error: Error) => fail(`could not be spawned (${error.message})`);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited early (${signal ?? code})`);
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.on('data', onStdout);
    child.stderr?.on('data', collect);
    child.once('error', onError);
    child.once('exit', onExit);
  });
}

/** Runs s3rver on 127.0.0.1 (the OS picks the port) with a temporary data folder. */
export async function startS3Server(timeoutMs = 10_000): Promise<S3ServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'homelab-s3rver-'));
  const child = spawn(
    process.execPath,
    // s3rver makes list continuation tokens with DES, which OpenSSL 3 keeps in its legacy provider.
    [
      '--openssl-legacy-provider',
      s3rverScript(),
      '--directory',
      directory,
      '--address',
      '127.0.0.1',
      '--port',
      '0',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let port: number;
  try {
    port = await listeningPort(child, timeoutMs);
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    stop: async () => {
      await stopChild(child);
      await rm(directory, { recursive: true, force: true });
    },
  };
}
