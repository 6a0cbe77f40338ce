import { PlatformError } from '@homelab-ai/contracts';
import { loadConfig, type PlatformConfig } from '@homelab-ai/config';

/** Loads configuration or exits with the message naming the bad variable. */
export function loadConfigOrExit(overrides: { port?: string; host?: string } = {}): PlatformConfig {
  const env = { ...process.env };
  if (overrides.port !== undefined) env.PORT = overrides.port;
  if (overrides.host !== undefined) env.HOST = overrides.host;
  try {
    return loadConfig(env);
  } catch (error) {
    exitWith(error);
  }
}

export function exitWith(error: unknown): never {
  const message =
    error instanceof PlatformError
      ? error.message
      : error instanceof Error
        ? (error.stack ?? error.message)
        : String(error);
  process.stderr.write(`homelab-ai: ${message}\n`);
  process.exit(error instanceof PlatformError && error.code === 'invalid_config' ? 2 : 1);
}

/** Runs until SIGTERM/SIGINT, then stops gracefully (a second signal forces the exit). */
export function stopOnSignals(stop: () => Promise<void>, log: (message: string) => void): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      process.exit(130);
    }
    stopping = true;
    log(`${signal}: finishing turns in flight, then stopping`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`homelab-ai: shutdown failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}
