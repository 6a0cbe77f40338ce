import type { Bus } from '@homelab-ai/bus';
import type { Logger, PlatformMetrics } from '@homelab-ai/observability';

/** What every handler gets: ports and telemetry, never an adapter. */
export interface HandlerContext {
  bus: Bus;
  logger: Logger;
  metrics?: PlatformMetrics | undefined;
}

/** Delivery settings shared by the durable consumers of all handlers. */
export interface ConsumerSettings {
  ackWaitMs: number;
  maxDeliver: number;
  concurrency: number;
}

/** A started handler: stop lets turns in flight finish (up to `graceMs`). */
export interface RunningHandler {
  readonly name: string;
  stop(graceMs?: number): Promise<void>;
}
