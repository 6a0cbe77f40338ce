/** An in-memory stream: ordered messages with sequence numbers, pruned by age and count. */
import type { StreamSpec } from '@homelab-ai/contracts';
import type { BusHeaders } from '../port.js';
import { subjectMatches } from '../subject-match.js';

export interface StoredMessage {
  sequence: number;
  subject: string;
  data: Uint8Array;
  headers: BusHeaders;
  storedAt: number;
}

export class MemoryStream {
  /** Durable consumers reading this stream: woken when a message is stored. */
  readonly consumers = new Set<{ notify(): void }>();
  private messages: StoredMessage[] = [];
  private lastSequence = 0;

  constructor(
    public spec: StreamSpec,
    private readonly maxMessages: number,
  ) {}

  takes(subject: string): boolean {
    return this.spec.subjects.some((pattern) => subjectMatches(pattern, subject));
  }

  append(subject: string, data: Uint8Array, headers: BusHeaders): StoredMessage {
    const stored = { sequence: ++this.lastSequence, subject, data, headers, storedAt: Date.now() };
    this.messages.push(stored);
    this.prune();
    return stored;
  }

  /** The first message at or after `sequence` whose subject passes `accept`. */
  nextFrom(sequence: number, accept: (subject: string) => boolean): StoredMessage | undefined {
    this.prune();
    const first = this.messages[0];
    if (!first) return undefined;
    for (
      let index = Math.max(0, sequence - first.sequence);
      index < this.messages.length;
      index++
    ) {
      const candidate = this.messages[index];
      if (candidate && accept(candidate.subject)) return candidate;
    }
    return undefined;
  }

  get(sequence: number): StoredMessage | undefined {
    const first = this.messages[0];
    if (!first) return undefined;
    return this.messages[sequence - first.sequence];
  }

  get firstSequence(): number {
    return this.messages[0]?.sequence ?? this.lastSequence + 1;
  }

  private prune(): void {
    let drop = Math.max(0, this.messages.length - this.maxMessages);
    if (this.spec.maxAgeMs > 0) {
      const oldest = Date.now() - this.spec.maxAgeMs;
      while (drop < this.messages.length && (this.messages[drop]?.storedAt ?? 0) < oldest) drop++;
    }
    if (drop > 0) this.messages.splice(0, drop);
  }
}
