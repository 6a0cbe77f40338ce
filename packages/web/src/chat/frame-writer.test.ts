import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import { FrameWriter } from './frame-writer.js';

describe('FrameWriter', () => {
  let server: WebSocketServer;
  let url: string;
  before(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(server, 'listening');
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A client that records each frame and each network read it arrived in. */
  async function client() {
    const socket = new WebSocket(url);
    const frames: { text: string; at: number }[] = [];
    let reads = 0;
    socket.on('upgrade', (response) => response.socket.on('data', () => reads++));
    socket.on('message', (data: Buffer) =>
      frames.push({ text: data.toString('utf8'), at: performance.now() }),
    );
    await once(socket, 'open');
    return { socket, frames, reads: () => reads };
  }

  /** A client connected to the server, and the writer to it. */
  async function connect() {
    const writing = new Promise<FrameWriter>((resolve) =>
      server.once('connection', (socket, request) =>
        resolve(new FrameWriter(socket, request.socket)),
      ),
    );
    const reader = await client();
    return { reader, writer: await writing };
  }

  const until = async (check: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  };

  it('sends frames that can wait together with the next urgent one, in order', async () => {
    const { reader, writer } = await connect();
    const readsBefore = reader.reads();
    writer.write('later chunk', 10_000);
    writer.write('turn done', 10_000);
    writer.write('next first token', 0);
    await until(() => reader.frames.length === 3);
    assert.deepEqual(
      reader.frames.map((frame) => frame.text),
      ['later chunk', 'turn done', 'next first token'],
    );
    assert.equal(reader.reads() - readsBefore, 1, 'the three frames left in one write');
    reader.socket.close();
  });

  it('sends a frame that can wait within its allowance', async () => {
    const { reader, writer } = await connect();
    const sentAt = performance.now();
    writer.write('turn done', 20);
    await until(() => reader.frames.length === 1);
    const waited = (reader.frames[0]?.at ?? 0) - sentAt;
    assert.ok(waited >= 15, `held back for the delay (${waited.toFixed(1)} ms)`);
    assert.ok(waited < 1_000, `then sent (${waited.toFixed(1)} ms)`);
    reader.socket.close();
  });

  it('sends an urgent frame at once', async () => {
    const { reader, writer } = await connect();
    writer.write('first token', 0);
    await until(() => reader.frames.length === 1);
    assert.equal(reader.frames[0]?.text, 'first token');
    reader.socket.close();
  });

  it('sends waiting frames when the first of their allowances runs out', async () => {
    const { reader, writer } = await connect();
    const readsBefore = reader.reads();
    const sentAt = performance.now();
    writer.write('turn started', 10_000);
    writer.write('turn done', 20);
    await until(() => reader.frames.length === 2);
    const waited = (reader.frames[1]?.at ?? 0) - sentAt;
    assert.deepEqual(
      reader.frames.map((frame) => frame.text),
      ['turn started', 'turn done'],
    );
    assert.ok(waited >= 15 && waited < 1_000, `left after 20 ms (${waited.toFixed(1)} ms)`);
    assert.equal(reader.reads() - readsBefore, 1, 'both frames left in one write');
    reader.socket.close();
  });
});
