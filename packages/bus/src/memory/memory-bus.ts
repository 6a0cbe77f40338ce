/**
 * The embedded bus: NATS semantics inside one process (wildcards, queue groups, request/reply,
 * streams and durable consumers with redelivery and dead letters). What `npm start` runs on.
 */
import { randomUUID } from 'node:crypto';
import { PlatformError, toPlatformError, type StreamSpec } from '@homelab-ai/contracts';
import type { Logger } from '@homelab-ai/observability';
import type {
  Bus,
  BusHeaders,
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
import { isPublishableSubject } from '../subject-match.js';
import { MemoryDurableConsumer } from './memory-consumer.js';
import { MemoryStream } from './memory-stream.js';
import { SubscriptionIndex } from './subscription-index.js';

export interface MemoryBusSettings {
  logger?: Logger;
  /** Messages kept per stream before the oldest are dropped. */
  maxMessagesPerStream?: number;
}

interface SubscriptionEntry {
  pattern: string;
  queue: string | undefined;
  handler: (message: BusMessage) => void | Promise<void>;
  active: boolean;
}

const INBOX_PREFIX = '_INBOX.';

class MemoryBus implements Bus {
  readonly adapter = 'memory';
  private readonly subscriptions = new SubscriptionIndex<SubscriptionEntry>();
  private readonly queueCursors = new Map<string, number>();
  private readonly replyWaiters = new Map<string, (message: BusMessage) => void>();
  private readonly streams = new Map<string, MemoryStream>();
  private readonly consumers = new Map<string, MemoryDurableConsumer>();
  private readonly attached = new Set<Consumer>();
  private inboxCounter = 0;
  private readonly inboxBase = `${INBOX_PREFIX}${randomUUID().replaceAll('-', '')}.`;
  private closed = false;

  constructor(private readonly settings: MemoryBusSettings) {}

  publish(subject: string, data: Uint8Array, options: PublishOptions = {}): Promise<void> {
    try {
      this.publishNow(subject, data, options.headers ?? {}, undefined, options.persist ?? false);
      return Promise.resolve();
    } catch (error) {
      return Promise.reject(toPlatformError(error));
    }
  }

  subscribe(
    subject: string,
    handler: (message: BusMessage) => void | Promise<void>,
    options: SubscribeOptions = {},
  ): Promise<Subscription> {
    this.assertOpen();
    const entry: SubscriptionEntry = {
      pattern: subject,
      queue: options.queue,
      handler,
      active: true,
    };
    this.subscriptions.add(entry);
    return Promise.resolve({
      subject,
      unsubscribe: () => {
        entry.active = false;
        this.subscriptions.delete(entry);
        return Promise.resolve();
      },
    });
  }

  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage> {
    this.assertOpen();
    if (!this.hasResponders(subject)) {
      return Promise.reject(new PlatformError('unavailable', `no responders for ${subject}`));
    }
    const inbox = this.inboxBase + String(++this.inboxCounter);
    return new Promise<BusMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.replyWaiters.delete(inbox);
        reject(
          new PlatformError('timeout', `no reply on ${subject} within ${options.timeoutMs} ms`),
        );
      }, options.timeoutMs);
      this.replyWaiters.set(inbox, (message) => {
        clearTimeout(timer);
        this.replyWaiters.delete(inbox);
        resolve(message);
      });
      try {
        this.publishNow(subject, data, options.headers ?? {}, inbox, false);
      } catch (error) {
        clearTimeout(timer);
        this.replyWaiters.delete(inbox);
        reject(toPlatformError(error));
      }
    });
  }

  ensureStreams(streams: readonly StreamSpec[]): Promise<void> {
    this.assertOpen();
    for (const spec of streams) {
      const existing = this.streams.get(spec.name);
      if (existing) existing.spec = spec;
      else
        this.streams.set(
          spec.name,
          new MemoryStream(spec, this.settings.maxMessagesPerStream ?? 10_000),
        );
    }
    return Promise.resolve();
  }

  consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Consumer> {
    this.assertOpen();
    const stream = this.streams.get(spec.stream);
    if (!stream)
      return Promise.reject(new PlatformError('not_found', `no stream named ${spec.stream}`));
    const key = `${spec.stream}/${spec.durable}`;
    let durable = this.consumers.get(key);
    if (durable) durable.spec = spec;
    else {
      durable = new MemoryDurableConsumer(spec, stream, this, this.settings.logger);
      this.consumers.set(key, durable);
      stream.consumers.add(durable);
    }
    const consumer = durable.attach(handler);
    this.attached.add(consumer);
    return Promise.resolve({
      stop: async (graceMs?: number) => {
        this.attached.delete(consumer);
        await consumer.stop(graceMs);
      },
    });
  }

  health(): Promise<PortHealth> {
    return Promise.resolve({
      healthy: !this.closed,
      detail: this.closed
        ? 'closed'
        : `embedded, ${this.streams.size} streams, ${this.subscriptions.size} subscriptions`,
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.attached].map((consumer) => consumer.stop(10_000)));
    this.closed = true;
    for (const durable of this.consumers.values()) durable.close();
    this.subscriptions.clear();
    this.replyWaiters.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new PlatformError('unavailable', 'the embedded bus is closed');
  }

  private hasResponders(subject: string): boolean {
    return !this.subscriptions.matching(subject).next().done;
  }

  private publishNow(
    subject: string,
    data: Uint8Array,
    headers: BusHeaders,
    reply: string | undefined,
    persist: boolean,
  ): void {
    this.assertOpen();
    if (!isPublishableSubject(subject)) {
      throw new PlatformError(
        'invalid_message',
        `cannot publish to subject ${JSON.stringify(subject)}`,
      );
    }
    const message: BusMessage = { subject, data, headers: { ...headers }, reply };
    const waiter = subject.startsWith(INBOX_PREFIX) ? this.replyWaiters.get(subject) : undefined;
    if (waiter) {
      queueMicrotask(() => waiter(message));
      return;
    }
    let stored = false;
    for (const stream of this.streams.values()) {
      if (!stream.takes(subject)) continue;
      stream.append(subject, data, message.headers);
      stored = true;
      for (const durable of stream.consumers) durable.notify();
    }
    if (persist && !stored)
      throw new PlatformError('unavailable', `no stream takes subject ${subject}`);
    this.deliverToSubscribers(message);
  }

  private deliverToSubscribers(message: BusMessage): void {
    let groups: Map<string, SubscriptionEntry[]> | undefined;
    for (const entry of this.subscriptions.matching(message.subject)) {
      if (entry.queue === undefined) this.schedule(entry, message);
      else {
        groups ??= new Map();
        const members = groups.get(entry.queue) ?? [];
        members.push(entry);
        groups.set(entry.queue, members);
      }
    }
    if (!groups) return;
    for (const [queue, members] of groups) {
      const cursor = this.queueCursors.get(queue) ?? 0;
      this.queueCursors.set(queue, cursor + 1);
      const chosen = members[cursor % members.length];
      if (chosen) this.schedule(chosen, message);
    }
  }

  private schedule(entry: SubscriptionEntry, message: BusMessage): void {
    queueMicrotask(() => {
      if (!entry.active) return;
      try {
        const result = entry.handler(message);
        if (result instanceof Promise)
          result.catch((error: unknown) => this.reportHandlerError(error, message));
      } catch (error) {
        this.reportHandlerError(error, message);
      }
    });
  }

  private reportHandlerError(error: unknown, message: BusMessage): void {
    this.settings.logger?.error({ err: error, subject: message.subject }, 'subscriber failed');
  }
}

/** The embedded, in-process bus. */
export function createMemoryBus(settings: MemoryBusSettings = {}): Bus {
  return new MemoryBus(settings);
}
