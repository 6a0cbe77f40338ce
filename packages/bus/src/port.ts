/**
 * The Bus port: what handlers and the gateway need from a message bus. Bytes in, bytes out;
 * the contracts package owns the encoding. Adapters: `createMemoryBus` (embedded, one process)
 * and `createNatsBus` (NATS JetStream). Both pass the same contract suite.
 */
import type { PortHealth, StreamSpec } from '@homelab-ai/contracts';

export type { PortHealth } from '@homelab-ai/contracts';

export type BusHeaders = Record<string, string>;

export interface BusMessage {
  readonly subject: string;
  readonly data: Uint8Array;
  readonly headers: Readonly<BusHeaders>;
  /** Where the sender waits for an answer, for request/reply. */
  readonly reply: string | undefined;
}

export interface PublishOptions {
  headers?: BusHeaders;
  /** Resolve only once a stream has stored the message; fails if no stream takes the subject. */
  persist?: boolean;
}

export interface SubscribeOptions {
  /** Members of one queue group share the messages: each goes to one of them. */
  queue?: string;
}

export interface Subscription {
  readonly subject: string;
  unsubscribe(): Promise<void>;
}

export interface RequestOptions {
  timeoutMs: number;
  headers?: BusHeaders;
}

/** A message handed out by a durable consumer; settled by the consume policy. */
export interface Delivery extends BusMessage {
  readonly stream: string;
  readonly streamSequence: number;
  /** 1 on first delivery, then 2, 3… on redeliveries. */
  readonly deliveryCount: number;
  /** Tells the bus the handler is still working, pushing the ack deadline back. */
  working(): void;
}

export interface ConsumerSpec {
  stream: string;
  /** Consumers sharing a durable name share the work and its progress. */
  durable: string;
  filterSubjects?: string[];
  /** An unacknowledged delivery is redelivered after this long. */
  ackWaitMs: number;
  /** After this many deliveries the message goes to the dead-letter subject. */
  maxDeliver: number;
  /** Deliveries handled at once by this consumer instance. */
  concurrency: number;
  /** Delay before redelivering after a retryable failure (per attempt, 1-based). */
  retryDelayMs?: (deliveryCount: number) => number;
}

/**
 * Handles one delivery. Resolving acknowledges it. Throwing a retryable PlatformError asks for
 * a redelivery (until `maxDeliver`); any other error dead-letters it with the error as reason.
 */
export type DeliveryHandler = (delivery: Delivery) => Promise<void>;

export interface Consumer {
  /** Stops taking new deliveries and waits (up to `graceMs`) for those in flight. */
  stop(graceMs?: number): Promise<void>;
}

export interface Bus {
  /** Which adapter this is: `memory` or `nats`. */
  readonly adapter: string;
  publish(subject: string, data: Uint8Array, options?: PublishOptions): Promise<void>;
  subscribe(
    subject: string,
    handler: (message: BusMessage) => void | Promise<void>,
    options?: SubscribeOptions,
  ): Promise<Subscription>;
  request(subject: string, data: Uint8Array, options: RequestOptions): Promise<BusMessage>;
  /** Creates or updates streams; safe to call at every start. */
  ensureStreams(streams: readonly StreamSpec[]): Promise<void>;
  consume(spec: ConsumerSpec, handler: DeliveryHandler): Promise<Consumer>;
  health(): Promise<PortHealth>;
  /** Stops consumers, flushes and closes (NATS: drain). */
  close(): Promise<void>;
}
