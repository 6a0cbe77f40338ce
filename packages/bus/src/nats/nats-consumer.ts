/**
 * A durable JetStream pull consumer run under the shared consume policy. When JetStream gives up
 * on a message (max deliveries reached without an ack, e.g. every handler crashed on it), its
 * advisory is turned into a dead letter carrying the original message and the reason.
 */
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  type ConsumerConfig,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { Logger } from '@homelab-ai/observability';
import { publishDeadLetter, settleDelivery } from '../consume-policy.js';
import type { Bus, Consumer, ConsumerSpec, Delivery, DeliveryHandler } from '../port.js';
import { fromNatsHeaders } from './nats-headers.js';

interface Clients {
  nc: NatsConnection;
  jsm: JetStreamManager;
  js: JetStreamClient;
  bus: Pick<Bus, 'publish'>;
  logger: Logger | undefined;
}

async function ensureConsumer(jsm: JetStreamManager, spec: ConsumerSpec): Promise<void> {
  const filters = spec.filterSubjects ?? [];
  const config: Partial<ConsumerConfig> = {
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(spec.ackWaitMs),
    max_deliver: spec.maxDeliver,
    max_ack_pending: Math.max(1000, spec.concurrency * 4),
  };
  // nats-server 2.9 knows only the singular filter_subject.
  if (filters.length === 1) config.filter_subject = filters[0] as string;
  else if (filters.length > 1) config.filter_subjects = filters;
  try {
    await jsm.consumers.info(spec.stream, spec.durable);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) {
      await jsm.consumers.add(spec.stream, {
        ...config,
        durable_name: spec.durable,
        deliver_policy: DeliverPolicy.All,
      });
      return;
    }
    throw error;
  }
  await jsm.consumers.update(spec.stream, spec.durable, config);
}

interface MaxDeliveriesAdvisory {
  stream: string;
  consumer: string;
  stream_seq: number;
  deliveries: number;
}

function watchMaxDeliveries(clients: Clients, spec: ConsumerSpec) {
  const subject = `$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${spec.stream}.${spec.durable}`;
  return clients.nc.subscribe(subject, {
    queue: `homelab-dead-letters.${spec.stream}.${spec.durable}`,
    callback: (error, message) => {
      if (error) return;
      void (async () => {
        const advisory = message.json<MaxDeliveriesAdvisory>();
        const stored = await clients.jsm.streams.getMessage(spec.stream, {
          seq: advisory.stream_seq,
        });
        if (!stored) return;
        const reason = `not acknowledged after ${advisory.deliveries} deliveries (handler crashed or timed out)`;
        await publishDeadLetter(
          clients.bus,
          {
            subject: stored.subject,
            data: stored.data,
            headers: fromNatsHeaders(stored.header),
            stream: spec.stream,
            streamSequence: stored.seq,
          },
          reason,
          'max_deliveries',
          advisory.deliveries,
        );
      })().catch((failure: unknown) =>
        clients.logger?.error({ err: failure }, 'dead-lettering failed'),
      );
    },
  });
}

function toDelivery(message: JsMsg, stream: string): Delivery {
  return {
    subject: message.subject,
    data: message.data,
    headers: fromNatsHeaders(message.headers),
    reply: undefined,
    stream,
    streamSequence: message.info.streamSequence,
    deliveryCount: message.info.deliveryCount,
    working: () => message.working(),
  };
}

export async function startNatsConsumer(
  clients: Clients,
  spec: ConsumerSpec,
  handler: DeliveryHandler,
): Promise<Consumer> {
  await ensureConsumer(clients.jsm, spec);
  const advisories = watchMaxDeliveries(clients, spec);
  const consumer = await clients.js.consumers.get(spec.stream, spec.durable);
  const concurrency = Math.max(1, spec.concurrency);
  const messages = await consumer.consume({ max_messages: concurrency });
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;

  const loop = (async () => {
    for await (const message of messages) {
      if (stopped) {
        message.nak();
        continue;
      }
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const control = {
        // Wait for the server to confirm the ack (a lost ack means a needless redelivery); if it
        // cannot confirm, the work is still done: redelivery is the at-least-once fallback.
        ack: () =>
          message.ackAck().then(
            () => undefined,
            () => undefined,
          ),
        nak: (delayMs: number) => message.nak(delayMs),
        term: (reason: string) => message.term(reason.slice(0, 200)),
      };
      const running = settleDelivery(
        clients.bus,
        spec,
        toDelivery(message, spec.stream),
        control,
        handler,
      )
        .catch((error: unknown) =>
          clients.logger?.error(
            { err: error, subject: message.subject },
            'settling a delivery failed',
          ),
        )
        .finally(() => inFlight.delete(running));
      inFlight.add(running);
    }
  })().catch((error: unknown) =>
    clients.logger?.error({ err: error, stream: spec.stream }, 'consumer loop ended'),
  );

  return {
    stop: async (graceMs = 10_000) => {
      if (stopped) return;
      stopped = true;
      // With the server gone, closing the pull can fail: nothing more will arrive either way.
      await messages.close().catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
      ]);
      clearTimeout(timer);
      await loop;
      advisories.unsubscribe();
    },
  };
}
