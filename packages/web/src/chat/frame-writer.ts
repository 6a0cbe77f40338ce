/**
 * Writes a chat socket's frames, sending those that can wait a little together. On this VM a
 * socket write costs the event loop about 0.3 ms; frames written while the connection is corked
 * leave in one write when it is uncorked. Each frame says how long it may wait: a frame someone
 * waits for (a turn's first token, a notice) goes out at once, with whatever waited before it;
 * the others leave with the next frame that cannot wait, or when the first of their allowances
 * runs out. Frames always leave in the order they were written.
 */
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

export class FrameWriter {
  #timer: NodeJS.Timeout | undefined;
  /** When (performance.now()) the frames waiting now must have left. */
  #deadline = Infinity;

  /** `connection` is the upgraded HTTP connection under `socket` (`request.socket`). */
  constructor(
    private readonly socket: WebSocket,
    private readonly connection: Duplex,
  ) {}

  /** Sends `data` now (`maxDelayMs` 0) or within `maxDelayMs`, with whatever else waits. */
  write(data: string, maxDelayMs: number): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (maxDelayMs > 0 && this.#timer === undefined) this.connection.cork();
    this.socket.send(data);
    if (maxDelayMs <= 0) return this.flush();
    const deadline = performance.now() + maxDelayMs;
    if (deadline >= this.#deadline) return;
    clearTimeout(this.#timer);
    this.#deadline = deadline;
    this.#timer = setTimeout(() => this.flush(), maxDelayMs);
  }

  /** Sends whatever waits now. */
  flush(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#deadline = Infinity;
    this.connection.uncork();
  }
}
