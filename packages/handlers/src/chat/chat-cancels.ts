/**
 * Stopping turns: every replica hears `ai.chat.cancel.{request_id}` (a plain subscription), and
 * the one running that turn aborts its model call. A cancel that arrives before the turn starts
 * (still queued, or on another replica's way) is remembered for a minute, so it still wins.
 */
import { subjectPatterns } from '@homelab-ai/contracts';
import type { Bus, Subscription } from '@homelab-ai/bus';

const REMEMBER_MS = 60_000;

export class ChatCancels {
  private readonly running = new Map<string, AbortController>();
  /** Request id → when the remembered cancel expires. */
  private readonly early = new Map<string, number>();

  constructor(private readonly rememberMs = REMEMBER_MS) {}

  /** Starts tracking a turn; its signal is aborted already when a cancel came first. */
  begin(requestId: string): AbortSignal {
    const controller = new AbortController();
    this.running.set(requestId, controller);
    const expiry = this.early.get(requestId);
    if (expiry !== undefined && expiry > Date.now()) controller.abort();
    this.early.delete(requestId);
    return controller.signal;
  }

  end(requestId: string): void {
    this.running.delete(requestId);
  }

  cancel(requestId: string): void {
    const controller = this.running.get(requestId);
    if (controller) {
      controller.abort();
      return;
    }
    const now = Date.now();
    for (const [id, expiry] of this.early) if (expiry <= now) this.early.delete(id);
    this.early.set(requestId, now + this.rememberMs);
  }

  /** Listens to cancels on the bus; the request id is the subject's last token. */
  listen(bus: Bus): Promise<Subscription> {
    return bus.subscribe(subjectPatterns.chatCancels, (message) => {
      const requestId = message.subject.split('.').at(-1);
      if (requestId) this.cancel(requestId);
    });
  }
}
