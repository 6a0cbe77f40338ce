/**
 * A durable consumer of the embedded bus with JetStream's semantics: explicit ack, redelivery
 * after the ack wait or a nak delay, and dead-lettering after `maxDeliver` deliveries.
 */
import type { Logger } from '@homelab-ai/observability';
import { publishDeadLetter, settleDelivery } from '../consume-policy.js';
import type { Bus, Consumer, ConsumerSpec, Delivery, DeliveryHandler } from '../port.js';
import { subjectMatches } from '../subject-match.js';
import type { MemoryStream, StoredMessage } from './memory-stream.js';

interface PendingDelivery {
  deliveryCount: number;
  /** Changes with each delivery so that a late ack of an old delivery is ignored. */
  token: number;
  timer: NodeJS.Timeout | undefined;
}

interface Worker {
  handler: DeliveryHandler;
  capacity: number;
  inFlight: Set<Promise<unknown>>;
  stopped: boolean;
}

export class MemoryDurableConsumer {
  private nextSequence: number;
  private readonly pending = new Map<number, PendingDelivery>();
  private readonly ready: number[] = [];
  private readonly workers: Worker[] = [];
  private nextWorker = 0;
  private tokens = 0;
  private dispatching = false;

  constructor(
    public spec: ConsumerSpec,
    private readonly stream: MemoryStream,
    private readonly bus: Pick<Bus, 'publish'>,
    private readonly logger: Logger | undefined,
  ) {
    this.nextSequence = stream.firstSequence;
  }

  attach(handler: DeliveryHandler): Consumer {
    const worker: Worker = {
      handler,
      capacity: Math.max(1, this.spec.concurrency),
      inFlight: new Set(),
      stopped: false,
    };
    this.workers.push(worker);
    this.dispatch();
    return {
      stop: async (graceMs = 10_000) => {
        worker.stopped = true;
        this.workers.splice(this.workers.indexOf(worker), 1);
        if (worker.inFlight.size === 0) return;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          Promise.allSettled([...worker.inFlight]),
          new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
        ]);
        clearTimeout(timer);
      },
    };
  }

  /** Called when the stream stored a message. */
  notify(): void {
    this.dispatch();
  }

  close(): void {
    for (const worker of this.workers) worker.stopped = true;
    this.workers.length = 0;
    for (const entry of this.pending.values()) clearTimeout(entry.timer);
    this.pending.clear();
  }

  private accepts(subject: string): boolean {
    const filters = this.spec.filterSubjects;
    return (
      !filters || filters.length === 0 || filters.some((filter) => subjectMatches(filter, subject))
    );
  }

  private pickWorker(): Worker | undefined {
    for (let tried = 0; tried < this.workers.length; tried++) {
      const worker = this.workers[(this.nextWorker + tried) % this.workers.length];
      if (worker && !worker.stopped && worker.inFlight.size < worker.capacity) {
        this.nextWorker = (this.nextWorker + tried + 1) % this.workers.length;
        return worker;
      }
    }
    return undefined;
  }

  private nextMessage(): StoredMessage | undefined {
    while (this.ready.length > 0) {
      const sequence = this.ready.shift() as number;
      const stored = this.stream.get(sequence);
      if (stored && this.pending.has(sequence)) return stored;
      this.pending.delete(sequence);
    }
    const stored = this.stream.nextFrom(this.nextSequence, (subject) => this.accepts(subject));
    if (stored) this.nextSequence = stored.sequence + 1;
    return stored;
  }

  private dispatch(): void {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      for (let worker = this.pickWorker(); worker; worker = this.pickWorker()) {
        const stored = this.nextMessage();
        if (!stored) break;
        this.deliver(stored, worker);
      }
    } finally {
      this.dispatching = false;
    }
  }

  private deliver(stored: StoredMessage, worker: Worker): void {
    const entry = this.pending.get(stored.sequence) ?? {
      deliveryCount: 0,
      token: 0,
      timer: undefined,
    };
    entry.deliveryCount += 1;
    entry.token = ++this.tokens;
    this.pending.set(stored.sequence, entry);
    const token = entry.token;
    const isCurrent = () => this.pending.get(stored.sequence)?.token === token;
    const armAckWait = () => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => this.onAckWaitExpired(stored, token), this.spec.ackWaitMs);
    };
    armAckWait();

    const delivery: Delivery = {
      subject: stored.subject,
      data: stored.data,
      headers: stored.headers,
      reply: undefined,
      stream: this.stream.spec.name,
      streamSequence: stored.sequence,
      deliveryCount: entry.deliveryCount,
      working: () => {
        if (isCurrent()) armAckWait();
      },
    };
    const finish = () => {
      clearTimeout(entry.timer);
      this.pending.delete(stored.sequence);
    };
    const control = {
      ack: () => {
        if (isCurrent()) finish();
      },
      term: () => {
        if (isCurrent()) finish();
      },
      nak: (delayMs: number) => {
        if (!isCurrent()) return;
        clearTimeout(entry.timer);
        entry.timer = setTimeout(() => {
          if (!isCurrent()) return;
          this.ready.push(stored.sequence);
          this.dispatch();
        }, delayMs);
      },
    };
    const running = settleDelivery(this.bus, this.spec, delivery, control, worker.handler)
      .catch((error: unknown) =>
        this.logger?.error({ err: error, subject: stored.subject }, 'settling a delivery failed'),
      )
      .finally(() => {
        worker.inFlight.delete(running);
        this.dispatch();
      });
    worker.inFlight.add(running);
  }

  private onAckWaitExpired(stored: StoredMessage, token: number): void {
    const entry = this.pending.get(stored.sequence);
    if (!entry || entry.token !== token) return;
    if (entry.deliveryCount >= this.spec.maxDeliver) {
      this.pending.delete(stored.sequence);
      const reason = `not acknowledged after ${entry.deliveryCount} deliveries (handler crashed or timed out)`;
      publishDeadLetter(
        this.bus,
        { ...stored, stream: this.stream.spec.name, streamSequence: stored.sequence },
        reason,
        'max_deliveries',
        entry.deliveryCount,
      ).catch((error: unknown) => this.logger?.error({ err: error }, 'dead-lettering failed'));
      return;
    }
    this.ready.push(stored.sequence);
    this.dispatch();
  }
}
