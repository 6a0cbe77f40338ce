/**
 * Background threads give way to the event loop: a worker that does bulk work (the embedded
 * database, document parsing) lowers its own scheduling priority, so that on a busy machine
 * the thread serving conversations gets the CPU first. Only the calling thread changes (Linux
 * schedules threads one by one: its thread id is found in /proc/thread-self); elsewhere, or
 * where the priority cannot change, nothing happens. Raising niceness needs no privilege.
 */
import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** The niceness background threads take (0 is normal, 19 the lowest priority). */
export const BACKGROUND_NICENESS = 10;

/** Lowers the calling thread's priority to at least `niceness`; returns whether it could. */
export function lowerThisThreadPriority(niceness = BACKGROUND_NICENESS): boolean {
  if (process.platform !== 'linux') return false; // elsewhere a pid is a whole process
  try {
    const threadId = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(threadId) || threadId <= 0) return false;
    setPriority(threadId, Math.max(getPriority(threadId), niceness));
    return true;
  } catch {
    return false;
  }
}
