// Stops everything the bench started (nats-server, `homelab-ai up` children), also when a
// benchmark fails or the bench is interrupted.
const stoppers = new Set();
let stopping = Promise.resolve();
let exiting = false;

/** Registers `stop`; returns a function that unregisters it once it is no longer needed. */
export function onCleanup(stop) {
  stoppers.add(stop);
  return () => stoppers.delete(stop);
}

/** Runs every registered stop once; a second call waits for the first to finish. */
export function cleanupAll() {
  const pending = [...stoppers];
  stoppers.clear();
  stopping = stopping.then(() => Promise.allSettled(pending.map((stop) => stop())));
  return stopping;
}

function exitAfterCleanup(code, reason) {
  if (exiting) return; // the first reason wins; what fails while stopping is expected
  exiting = true;
  process.stderr.write(`bench: ${reason instanceof Error ? reason.stack : reason}\n`);
  void cleanupAll().finally(() => process.exit(code));
}

process.once('SIGINT', () => exitAfterCleanup(130, 'interrupted'));
process.once('SIGTERM', () => exitAfterCleanup(143, 'terminated'));
process.on('uncaughtException', (error) => exitAfterCleanup(1, error));
process.on('unhandledRejection', (error) => exitAfterCleanup(1, error));
