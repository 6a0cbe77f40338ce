/**
 * Starts a real `redis-server` (Debian package; Valkey's `valkey-server` takes the same flags)
 * on a free port with a temporary directory and no persistence, for tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitForPort } from './wait.js';

export interface RedisServerHandle {
  /** `redis://127.0.0.1:<port>/0`, the form `VALKEY_URL` takes. */
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and removes its directory. */
  stop(): Promise<void>;
  /** Kills the server (SIGKILL) as a crash would; `restart()` brings it back. */
  kill(): Promise<void>;
  /** Kills the server if it runs and starts it again, empty, on the same port. */
  restart(): Promise<void>;
}

export const REDIS_SERVER_BINARY = process.env.REDIS_SERVER_BIN ?? 'redis-server';

function launch(port: number, dir: string): ChildProcess {
  const child = spawn(
    REDIS_SERVER_BINARY,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

/** Resolves once the port accepts connections; rejects if the server fails to start or exits. */
async function started(child: ChildProcess, port: number): Promise<void> {
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-2_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const failure = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot start ${REDIS_SERVER_BINARY} (apt-get install redis-server): ${error.message}`,
        ),
      ),
    );
    child.once('exit', (code, signal) =>
      reject(new Error(`${REDIS_SERVER_BINARY} exited (${signal ?? code}) on start: ${output}`)),
    );
  });
  failure.catch(() => undefined); // settled by the race below; no unhandled rejection later
  try {
    await Promise.race([waitForPort(port), failure]);
  } finally {
    child.stdout?.off('data', keep);
    child.stderr?.off('data', keep);
  }
}

/** Starts a throwaway redis-server; call `stop()` when done. */
export async function startRedisServer(): Promise<RedisServerHandle> {
  const dir = await mkdtemp(join(tmpdir(), 'homelab-redis-'));
  const port = await freePort();
  let child = launch(port, dir);
  // A test run that dies without calling stop() must not leave the server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await started(child, port);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    await rm(dir, { recursive: true, force: true });
    process.off('exit', killOnExit);
    throw error;
  }
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop: async () => {
      await stopChild(child, 'SIGTERM');
      await rm(dir, { recursive: true, force: true });
      process.off('exit', killOnExit);
    },
    kill: () => stopChild(child, 'SIGKILL'),
    restart: async () => {
      await stopChild(child, 'SIGKILL');
      child = launch(port, dir);
      await started(child, port);
    },
  };
}
