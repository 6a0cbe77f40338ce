/**
 * A port that opens in the background or on first use, so the platform is up at once and
 * `/healthz` tells how the opening goes. A failed open is retried on the next use (in the
 * background mode, after a delay); the error is what health reports meanwhile.
 */
import type { ComponentHealth, PortHealth } from '@homelab-ai/contracts';
import type { Logger } from '@homelab-ai/observability';

interface Closable {
  health(): Promise<PortHealth>;
  close(): Promise<void>;
}

export interface OpeningPort<T extends Closable> {
  readonly adapter: string;
  /** Opens the port if needed; resolves once it is open. */
  open(): Promise<T>;
  health(): Promise<ComponentHealth>;
  close(): Promise<void>;
}

export interface OpeningSettings {
  name: string;
  adapter: string;
  logger: Logger;
  /** `background`: open now and retry until it works; `lazy`: open on first use. */
  mode: 'background' | 'lazy';
  /** What health says of a lazy port nobody has used yet. */
  idleDetail?: string;
  retryDelayMs?: number;
}

export function openingPort<T extends Closable>(
  create: () => Promise<T>,
  settings: OpeningSettings,
): OpeningPort<T> {
  const { name, adapter, logger } = settings;
  let opened: T | undefined;
  let opening: Promise<T> | undefined;
  let lastError: Error | undefined;
  let closed = false;
  let retryTimer: NodeJS.Timeout | undefined;

  const open = (): Promise<T> => {
    if (closed) return Promise.reject(new Error(`${name} is closed`));
    opening ??= create().then(
      (port) => {
        opened = port;
        lastError = undefined;
        logger.info({ port: name, adapter }, `${name} ready`);
        return port;
      },
      (error: Error) => {
        lastError = error;
        opening = undefined;
        logger.error({ err: error, port: name, adapter }, `${name} could not open`);
        if (settings.mode === 'background' && !closed) {
          retryTimer = setTimeout(
            () => void open().catch(() => undefined),
            settings.retryDelayMs ?? 5_000,
          );
        }
        throw error;
      },
    );
    return opening;
  };
  if (settings.mode === 'background') void open().catch(() => undefined);

  return {
    adapter,
    open,
    health: async () => {
      if (opened) return { adapter, ...(await opened.health()) };
      if (lastError) return { adapter, healthy: false, detail: lastError.message };
      // An embedded port warming up (PGlite takes seconds) is not broken: callers just wait.
      if (opening) return { adapter, healthy: settings.mode === 'lazy', detail: 'opening…' };
      return { adapter, healthy: true, detail: settings.idleDetail ?? 'opens on first use' };
    },
    close: async () => {
      closed = true;
      clearTimeout(retryTimer);
      const port = opened ?? (await opening?.catch(() => undefined));
      await port?.close();
    },
  };
}
