/**
 * The Bus port on NATS JetStream (`@nats-io/transport-node` + `@nats-io/jetstream` v3):
 * core publish/subscribe/request, JetStream streams and durable pull consumers, headers for
 * trace context, endless reconnect, drain on close.
 */
import { connect } from '@nats-io/transport-node';
import {
  jetstream,
  jetstreamManager,
  type JetStreamClient,
  type JetStreamManager,
} from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { PlatformError, type StreamSpec } from '@homelab-ai/contracts';
import type { Logger } from '@homelab-ai/observability';
import type {
  Bus,
  BusMessage,
  Consumer,
  ConsumerSpec,
  DeliveryHandler,
  PortHealth,
  PublishOptions,
  RequestOptions,
  SubscribeOptions,
  Subscription,
} from '../port.js';
import { startNatsConsumer } from './nats-consumer.js';
import { toBusError } from './nats-errors.js';
import { fromNatsHeaders, toNatsHeaders } from './nats-headers.js';
import { ensureNatsStreams } from './nats-streams.js';

export interface NatsBusSettings {
  /** One or more server URLs, comma-separated (`nats://host:4222`). */
  url: string;
  /** Shown in the server's connection list. */
  name?: string;
  logger?: Logger;
  token?: string;
  user?: string;
  pass?: string;
}

const RESOLVED = Promise.resolve();

class NatsBus implements Bus {
  readonly adapter = 'nats';
  private readonly consumers = new Set<Consumer>();
  private lastStatus = 'connected';

  constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    private readonly js: JetStreamClient,
    private readonly logger: Logger | undefined,
  ) {
    void this.watchStatus();
  }

  private async watchStatus(): Promise<void> {
    for await (const status of this.nc.status()) {
      this.lastStatus = status.type;
      if (status.type === 'disconnect' || status.type === 'reconnect' || status.type === 'error') {
        this.logger?.warn({ nats_status: status.type }, `NATS ${status.type}`);
      }
    }
  }

  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void> {
    if (options?.persist) return this.publishPersisted(subject, data, options);
    // The hot path: core publish is synchronous in nats.js (it batches writes itself).
    try {
      const headers = toNatsHeaders(options?.headers);
      this.nc.publish(subject, data, headers ? { headers } : undefined);
      return RESOLVED;
    } catch (error) {
      return Promise.reject(toBusError(error, subject));
    }
  }

  private async publishPersisted(
    subject: string,
    data: Uint8Array,
    options: PublishOptions,
  ): Promise<void> {
    const headers = toNatsHeaders(options.headers);
    try {
      await this.js.publish(subject, data, headers ? { headers } : {});
    } catch (error) {
      throw toBusError(error, subject);
    }
  }

  subscribe(
    subject: string,
    handler: (message: BusMessage) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    const subscription = this.nc.subscribe(subject, {
      ...(options.queue === undefined ? {} : { queue: options.queue }),
      callback: (error, message) => {
        if (error) {
          this.logger?.error({ err: error, subject }, 'subscription error');
          return;
        }
        const busMessage: BusMessage = {
          subject: message.subject,
          data: message.data,
          headers: fromNatsHeaders(message.headers),
          reply: message.reply || undefined,
        };
        try {
          const result = handler(busMessage);
          if (result instanceof Promise) {
            result.catch((failure: unknown) =>
              this.logger?.error({ err: failure, subject }, 'subscriber failed'),
            );
          }
        } catch (failure) {
          this.logger?.error({ err: failure, subject }, 'subscriber failed');
        }
      },
    });
    return Promise.resolve({
      subject,
      unsubscribe: async () => {
        subscription.unsubscribe();
        await this.nc.flush().catch(() => undefined);
      },
    });
  }

  async request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    const headers = toNatsHeaders(options.headers);
    try {
      const reply = await this.nc.request(subject, data, {
        timeout: options.timeoutMs,
        ...(headers ? { headers } : {}),
      });
      return {
        subject: reply.subject,
        data: reply.data,
        headers: fromNatsHeaders(reply.headers),
        reply: undefined,
      };
    } catch (error) {
      throw toBusError(error, subject);
    }
  }

  async ensureStreams(streams: readonly StreamSpec[]): Promise<void> {
    try {
      await ensureNatsStreams(this.jsm, streams);
    } catch (error) {
      throw new PlatformError(
        'unavailable',
        `could not create JetStream streams: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Consumer> {
    const consumer = await startNatsConsumer(
      { nc: this.nc, jsm: this.jsm, js: this.js, bus: this, logger: this.logger },
      spec,
      handler,
    );
    this.consumers.add(consumer);
    return {
      stop: async (graceMs?: number) => {
        this.consumers.delete(consumer);
        await consumer.stop(graceMs);
      },
    };
  }

  async health(): Promise<PortHealth> {
    if (this.nc.isClosed()) return { healthy: false, detail: 'connection closed' };
    try {
      const rtt = await this.nc.rtt();
      return { healthy: true, detail: `${this.nc.getServer()} (rtt ${rtt.toFixed(1)} ms)` };
    } catch (error) {
      return { healthy: false, detail: `${this.lastStatus}: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    if (this.nc.isClosed()) return;
    await Promise.all([...this.consumers].map((consumer) => consumer.stop(10_000)));
    this.consumers.clear();
    try {
      await this.nc.drain();
    } catch (error) {
      // Draining needs the server; when it is unreachable, close without flushing.
      this.logger?.warn({ err: error }, 'NATS drain failed; closing');
      await this.nc.close();
    }
  }
}

/** Connects to NATS; reconnects forever once connected. */
export async function createNatsBus(settings: NatsBusSettings): Promise<Bus> {
  const servers = settings.url
    .split(',')
    .map((server) => server.trim())
    .filter(Boolean);
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: settings.name ?? 'homelab-ai',
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1000,
      ...(settings.token ? { token: settings.token } : {}),
      ...(settings.user ? { user: settings.user, pass: settings.pass ?? '' } : {}),
    });
  } catch (error) {
    throw new PlatformError(
      'unavailable',
      `cannot connect to NATS at ${settings.url}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  const jsm = await jetstreamManager(nc);
  return new NatsBus(nc, jsm, jetstream(nc), settings.logger);
}
