/**
 * An in-memory stream: ordered messages with sequence numbers, pruned by age and count. Pruned
 * messages are skipped by moving the start of the live part, and the array is compacted now and
 * then, so that a stream at its limit does not shift every message on each append.
 */
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
  /** Index of the oldest live message in `messages` (those before it are pruned). */
  private start = 0;
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
    const first = this.messages[this.start];
    if (!first) return undefined;
    for (
      let index = this.start + Math.max(0, sequence - first.sequence);
      index < this.messages.length;
      index++
    ) {
      const candidate = this.messages[index];
      if (candidate && accept(candidate.subject)) return candidate;
    }
    return undefined;
  }

  get(sequence: number): StoredMessage | undefined {
    const first = this.messages[this.start];
    if (!first || sequence < first.sequence) return undefined;
    return this.messages[this.start + sequence - first.sequence];
  }

  get firstSequence(): number {
    return this.messages[this.start]?.sequence ?? this.lastSequence + 1;
  }

  private prune(): void {
    const { messages } = this;
    let start = Math.max(this.start, messages.length - this.maxMessages);
    if (this.spec.maxAgeMs > 0) {
      const oldest = Date.now() - this.spec.maxAgeMs;
      while (start < messages.length && (messages[start]?.storedAt ?? 0) < oldest) start++;
    }
    this.start = start;
    // Compacted once 1,024 messages (or as many as are live) are pruned: a few copies per append.
    if (start > 0 && start >= Math.min(1024, messages.length - start)) {
      this.messages = messages.slice(start);
      this.start = 0;
    }
  }
}
