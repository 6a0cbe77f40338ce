/**
 * How every adapter settles a delivery, so that retry and dead-letter behave the same on the
 * embedded bus and on NATS.
 */
import {
  encodeMessage,
  subjects,
  toPlatformError,
  type DeadLetter,
  type PlatformError,
} from '@homelab-ai/contracts';
import type { Bus, ConsumerSpec, Delivery, DeliveryHandler } from './port.js';

export interface DeliveryControl {
  ack(): Promise<void> | void;
  nak(delayMs: number): Promise<void> | void;
  /** Never redeliver (after the message went to the dead-letter subject). */
  term(reason: string): Promise<void> | void;
}

export type DeliveryOutcome = 'acked' | 'retried' | 'dead-lettered';

const defaultRetryDelay = (deliveryCount: number): number =>
  Math.min(250 * 2 ** (deliveryCount - 1), 10_000);

export async function settleDelivery(
  bus: Pick<Bus, 'publish'>,
  spec: ConsumerSpec,
  delivery: Delivery,
  control: DeliveryControl,
  handler: DeliveryHandler,
): Promise<DeliveryOutcome> {
  try {
    await handler(delivery);
    await control.ack();
    return 'acked';
  } catch (thrown) {
    const error = toPlatformError(thrown);
    if (error.retryable && delivery.deliveryCount < spec.maxDeliver) {
      await control.nak((spec.retryDelayMs ?? defaultRetryDelay)(delivery.deliveryCount));
      return 'retried';
    }
    await publishDeadLetter(bus, delivery, error.message, error.code, delivery.deliveryCount);
    await control.term(error.message);
    return 'dead-lettered';
  }
}

/** Publishes the original message and the reason to `ai.deadletter.{subject}`. */
export async function publishDeadLetter(
  bus: Pick<Bus, 'publish'>,
  message: Pick<Delivery, 'subject' | 'data' | 'headers'> &
    Partial<Pick<Delivery, 'stream' | 'streamSequence'>>,
  reason: string,
  errorType: PlatformError['code'] | 'max_deliveries',
  deliveries: number,
): Promise<void> {
  const record: DeadLetter = {
    original_subject: message.subject,
    reason,
    error_type: errorType,
    deliveries,
    data: message.data,
    headers: { ...message.headers },
    timestamp: Date.now() / 1000,
  };
  if (message.stream !== undefined) record.stream = message.stream;
  if (message.streamSequence !== undefined) record.stream_sequence = message.streamSequence;
  await bus.publish(subjects.deadLetter(message.subject), encodeMessage(record), {
    headers: { 'Homelab-Dead-Letter-Reason': reason.slice(0, 200).replace(/[\r\n]/g, ' ') },
  });
}
