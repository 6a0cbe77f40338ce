/**
 * Starts a real `nats-server` (Debian package) with JetStream on a free port and a temporary
 * storage directory, for tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';
import { waitForPort } from './wait.js';

export interface NatsServerHandle {
  url: string;
  port: number;
  /** Stops the server (SIGTERM) and removes its storage. */
  stop(): Promise<void>;
  /** Kills the server and starts it again on the same port and storage. */
  restart(): Promise<void>;
}

export const NATS_SERVER_BINARY = process.env.NATS_SERVER_BIN ?? 'nats-server';

function launch(port: number, storeDir: string): ChildProcess {
  const child = spawn(
    NATS_SERVER_BINARY,
    ['-js', '-a', '127.0.0.1', '-p', String(port), '-sd', storeDir],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  child.stderr?.resume();
  return child;
}

function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

export async function startNatsServer(): Promise<NatsServerHandle> {
  const storeDir = await mkdtemp(join(tmpdir(), 'homelab-nats-'));
  const port = await freePort();
  let child = launch(port, storeDir);
  const spawnFailure = new Promise<never>((_, reject) => {
    child.once('error', (error) =>
      reject(
        new Error(
          `cannot start ${NATS_SERVER_BINARY} (apt-get install nats-server): ${error.message}`,
        ),
      ),
    );
  });
  try {
    await Promise.race([waitForPort(port), spawnFailure]);
  } catch (error) {
    await stopChild(child, 'SIGKILL');
    await rm(storeDir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    stop: async () => {
      await stopChild(child);
      await rm(storeDir, { recursive: true, force: true });
    },
    restart: async () => {
      await stopChild(child, 'SIGKILL');
      child = launch(port, storeDir);
      await waitForPort(port);
    },
  };
}
