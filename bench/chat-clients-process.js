// Browser-like chat clients in their own process, as browsers are: each opens the chat socket
// with a bearer token and asks questions one after another, timing each from the `send` frame
// to the first `chunk` frame. Usage:
//   node chat-clients-process.js <baseUrl> <token> serve <collection>
//     reads one run per stdin line, `<sessions> <turnsEach> [llmUrl]`, and answers each with a
//     line {"samples": [{ms, late}, …], "direct": [{ms, late}, …]}: ms to the first chunk, and
//     how late the LLM server says its first token was (the stamp on it). With an llmUrl, the
//     first session also asks the LLM server directly before each of its turns (its time to
//     first token, measured in the same conditions). One process serves every run, so that
//     its own code is warm for the measured ones, as a browser's is;
//   node chat-clients-process.js <baseUrl> <token> hold <count>
//     opens <count> idle sockets, prints "open", and holds them until stdin closes.
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { readLatenessStamp } from '@homelab-ai/testkit';
import WebSocket from 'ws';

const [baseUrl, token, mode, ...rest] = process.argv.slice(2);

/** An open chat socket, signed in with the token. */
async function openSocket() {
  const socket = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws/chat`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await once(socket, 'open');
  const waiting = [];
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    for (const waiter of [...waiting]) waiter(frame);
  });
  let sessionId;
  /**
   * Sends a question; resolves after the turn is done with ms to the first chunk and how late
   * the LLM server says its own first token was (the stamp on it).
   */
  const ask = (message, collection) =>
    new Promise((resolve, reject) => {
      let first;
      const started = performance.now();
      const onFrame = (frame) => {
        if (frame.type === 'session') sessionId = frame.session_id;
        if (frame.type === 'chunk' && first === undefined) {
          first = { ms: performance.now() - started, late: readLatenessStamp(frame.content) };
        }
        if (frame.type === 'notice') reject(new Error(frame.message));
        if (frame.type === 'done') {
          waiting.splice(waiting.indexOf(onFrame), 1);
          if (!frame.success) reject(new Error(frame.error));
          else if (first === undefined) reject(new Error('no chunk streamed'));
          else resolve(first);
        }
      };
      waiting.push(onFrame);
      socket.send(JSON.stringify({ type: 'send', message, collection, session_id: sessionId }));
    });
  return { socket, ask };
}

/**
 * The LLM server's time to first token asked straight from it: ms for one streamed request, and
 * how late the server says it was.
 */
async function directFirstToken(llmUrl) {
  const started = performance.now();
  const response = await fetch(`${llmUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'loopback-echo',
      stream: true,
      messages: [{ role: 'user', content: 'What does the falcon manual say?' }],
    }),
  });
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let token;
  while (token === undefined) {
    const { value, done } = await reader.read();
    if (done) throw new Error('the LLM server sent no token');
    text += decoder.decode(value, { stream: true });
    token = /"content":"([^"]+)"/.exec(text)?.[1];
  }
  const ms = performance.now() - started;
  await reader.cancel();
  return { ms, late: readLatenessStamp(token) };
}

async function run(sessions, turnsEach, collection, llmUrl) {
  const clients = await Promise.all(Array.from({ length: sessions }, () => openSocket()));
  // The first turn of each session creates it: not measured.
  await Promise.all(clients.map((client) => client.ask('hello', collection)));
  const samples = [];
  const direct = [];
  await Promise.all(
    clients.map(async (client, index) => {
      for (let turn = 0; turn < turnsEach; turn++) {
        if (llmUrl && index === 0) direct.push(await directFirstToken(llmUrl));
        const question = `what does section ${(index + turn) % 40} say about falcons?`;
        samples.push(await client.ask(question, collection));
      }
    }),
  );
  for (const { socket } of clients) socket.close();
  return { samples, direct };
}

async function serve(collection) {
  for await (const line of createInterface({ input: process.stdin })) {
    const [sessions, turnsEach, llmUrl] = line.trim().split(' ');
    const result = await run(Number(sessions), Number(turnsEach), collection, llmUrl);
    process.stdout.write(`${JSON.stringify(result)}\n`);
  }
}

async function hold(count) {
  const clients = await Promise.all(Array.from({ length: count }, () => openSocket()));
  process.stdout.write('open\n');
  process.stdin.resume();
  await once(process.stdin, 'end');
  for (const { socket } of clients) socket.close();
}

if (mode === 'serve') await serve(rest[0]);
else if (mode === 'hold') await hold(Number(rest[0]));
else throw new Error(`unknown mode ${mode}`);
process.exit(0);
