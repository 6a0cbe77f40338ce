/**
 * The embedded bus's subscriptions, indexed: those naming one subject (a turn's stream, its
 * response: most of them) in a map by subject, the wildcard ones in a list matched one by one.
 * Publishing then costs a map look-up plus the wildcard patterns, not a match per subscription.
 */
import { hasWildcard, subjectMatches } from '../subject-match.js';

export class SubscriptionIndex<Entry extends { pattern: string }> {
  private readonly exact = new Map<string, Set<Entry>>();
  private readonly wildcards = new Set<Entry>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(entry: Entry): void {
    if (hasWildcard(entry.pattern)) this.wildcards.add(entry);
    else {
      const entries = this.exact.get(entry.pattern) ?? new Set<Entry>();
      entries.add(entry);
      this.exact.set(entry.pattern, entries);
    }
    this.count++;
  }

  delete(entry: Entry): void {
    const removed = hasWildcard(entry.pattern)
      ? this.wildcards.delete(entry)
      : this.deleteExact(entry);
    if (removed) this.count--;
  }

  /** The subscriptions a message on `subject` goes to: exact ones first, then wildcards. */
  *matching(subject: string): Generator<Entry> {
    const exact = this.exact.get(subject);
    if (exact) yield* exact;
    for (const entry of this.wildcards) if (subjectMatches(entry.pattern, subject)) yield entry;
  }

  clear(): void {
    this.exact.clear();
    this.wildcards.clear();
    this.count = 0;
  }

  private deleteExact(entry: Entry): boolean {
    const entries = this.exact.get(entry.pattern);
    if (!entries?.delete(entry)) return false;
    if (entries.size === 0) this.exact.delete(entry.pattern);
    return true;
  }
}
