import { pino, type Logger, type LevelWithSilent } from 'pino';
import { currentTraceIds } from './tracing.js';

export type { Logger } from 'pino';

/** Structured JSON logs on stdout; every line carries the active trace id when there is one. */
export function createLogger(options: { level?: LevelWithSilent; name?: string } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    base: { service: options.name ?? 'homelab-ai' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => currentTraceIds(),
  });
}

/** A logger that writes nothing, for tests and benchmarks. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}
