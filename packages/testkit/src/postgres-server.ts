/**
 * Starts a real PostgreSQL 15 (Debian's binaries) on a free port with a temporary data
 * directory, for tests. Postgres refuses to run as root, so as root the server runs as the
 * `postgres` user (spawn's uid/gid); the data and socket directories are handed to that user.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chown, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

export const POSTGRES_BIN_DIR = process.env.POSTGRES_BIN_DIR ?? '/usr/lib/postgresql/15/bin';

export interface PostgresServerHandle {
  /** `postgres://postgres@127.0.0.1:<port>/homelab` — the database made at start. */
  url: string;
  port: number;
  /** Creates another empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

async function postgresUser(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const passwd = await readFile('/etc/passwd', 'utf8');
  const entry = passwd.split('\n').find((line) => line.startsWith('postgres:'));
  const [, , uid, gid] = entry?.split(':') ?? [];
  if (uid === undefined || gid === undefined) {
    throw new Error('running as root needs the `postgres` user (apt-get install postgresql-15)');
  }
  return { uid: Number(uid), gid: Number(gid) };
}

function binary(name: string): string {
  return join(POSTGRES_BIN_DIR, name);
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Waits until the server accepts connections, or fails with its log if it exits first. */
async function waitUntilReady(
  child: ChildProcess,
  port: number,
  socketDir: string,
  log: () => string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`postgres exited at start:\n${log()}`);
    try {
      await run(binary('pg_isready'), ['-q', '-h', socketDir, '-p', String(port)]);
      return;
    } catch {
      if (Date.now() > deadline) {
        throw new Error(`postgres did not accept connections within ${timeoutMs} ms:\n${log()}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** Starts PostgreSQL with trust auth on 127.0.0.1 and a database named `homelab`. */
export async function startPostgresServer(): Promise<PostgresServerHandle> {
  const runAs = await postgresUser();
  const root = await mkdtemp(join(tmpdir(), 'homelab-postgres-'));
  const dataDir = join(root, 'data');
  if (runAs) await chown(root, runAs.uid, runAs.gid);
  const asUser = runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
  try {
    await run(
      binary('initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '-E',
        'UTF8',
        '--no-sync',
        '--no-instructions',
      ],
      { ...asUser, cwd: root },
    );
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`initdb failed (is postgresql-15 installed in ${POSTGRES_BIN_DIR}?)`, {
      cause: error,
    });
  }

  const port = await freePort();
  // fsync off: a test server trades durability for speed; the data dies with the test anyway.
  const child = spawn(
    binary('postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      root,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
    ],
    { ...asUser, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-4_000);
  });
  const stop = async () => {
    // SIGINT is Postgres's "fast shutdown": roll back sessions, exit cleanly.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    await waitForExit(child);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(child, port, root, () => log);
  } catch (error) {
    await stop();
    throw error;
  }

  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  const createDatabase = async (name: string) => {
    await run(binary('createdb'), ['-h', root, '-p', String(port), '-U', 'postgres', name], asUser);
    return urlFor(name);
  };
  try {
    await createDatabase('homelab');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: urlFor('homelab'), port, createDatabase, stop };
}
