import assert from 'node:assert/strict';
import { it } from 'node:test';
import { readLatenessStamp, startLoopbackLlm } from './loopback-llm.js';

/** The content of each streamed token, in order. */
async function streamedTokens(baseUrl: string): Promise<string[]> {
  const response = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stream: true, messages: [{ role: 'user', content: 'two words' }] }),
  });
  const events = (await response.text())
    .split('\n\n')
    .filter((event) => event.startsWith('data: {'));
  return events
    .map(
      (event) =>
        JSON.parse(event.slice('data: '.length)) as { choices: { delta: { content?: string } }[] },
    )
    .map((chunk) => chunk.choices[0]?.delta.content ?? '')
    .filter((content) => content !== '');
}

it('stamps the first streamed token with how late the server was, when asked', async () => {
  const stamped = await startLoopbackLlm({ firstTokenDelayMs: 5, stampLateness: true });
  const plain = await startLoopbackLlm({ firstTokenDelayMs: 5 });
  try {
    const [first, ...rest] = await streamedTokens(stamped.baseUrl);
    const late = readLatenessStamp(first ?? '');
    assert.ok(late !== undefined && late >= 0, `a stamp on ${JSON.stringify(first)}`);
    assert.match(first ?? '', /\] echo: $/, 'then the first word');
    assert.deepEqual(rest, ['two ', 'words']);
    assert.deepEqual(await streamedTokens(plain.baseUrl), ['echo: ', 'two ', 'words']);
    assert.equal(readLatenessStamp('echo: '), undefined);
  } finally {
    await Promise.all([stamped.close(), plain.close()]);
  }
});
