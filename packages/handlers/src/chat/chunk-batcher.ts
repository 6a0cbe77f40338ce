/**
 * A turn's streamed chunks on their way to the bus. The first goes out at once (it is the time
 * to first token); deltas that arrive together after it (a fast model sends several in one
 * network read) leave together as one chunk when the event loop next turns, so a fast stream
 * costs a few bus messages and socket frames instead of one per token. Order is kept, and a
 * failed publish is thrown from the next call.
 */
export class ChunkBatcher {
  private buffered = '';
  private timer: NodeJS.Immediate | undefined;
  private sending: Promise<void> = Promise.resolve();
  private failure: { error: unknown } | undefined;

  constructor(private readonly publish: (content: string) => Promise<void>) {}

  /** Queues a delta: sent now when `now`, else with what arrives before the loop turns. */
  add(content: string, now = false): void {
    this.throwIfFailed();
    this.buffered += content;
    if (now) this.sendBuffered();
    else this.timer ??= setImmediate(() => this.sendBuffered());
  }

  /** Sends what is buffered and waits until everything queued so far is published. */
  async flush(): Promise<void> {
    this.sendBuffered();
    await this.sending;
    this.throwIfFailed();
  }

  private sendBuffered(): void {
    if (this.timer) clearImmediate(this.timer);
    this.timer = undefined;
    if (!this.buffered) return;
    const content = this.buffered;
    this.buffered = '';
    this.sending = this.sending
      .then(() => this.publish(content))
      .catch((error: unknown) => {
        this.failure ??= { error };
      });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}
