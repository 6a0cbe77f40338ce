/**
 * Test support: the child processes of this process running a given command, read from /proc
 * (Linux), so tests can check that an aborted engine really stopped.
 */
import { readdir, readFile } from 'node:fs/promises';

/** Process ids of this process's children whose command name is `command` (at most 15 chars). */
export async function childProcesses(command: string): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Format: pid (comm) state ppid ...
    const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
    if (match?.[1] === command.slice(0, 15) && Number(match[2]) === process.pid) {
      children.push(Number(entry));
    }
  }
  return children;
}

/** Resolves with the children running `command` once there is at least one. */
export async function waitForChildProcess(command: string, timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const children = await childProcesses(command);
    if (children.length > 0) return children;
    if (Date.now() > deadline) throw new Error(`${command} did not start within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
