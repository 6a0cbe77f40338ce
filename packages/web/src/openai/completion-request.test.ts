/** How an OpenAI message list becomes one chat turn: question, system prompt, transcript. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_SYSTEM_PROMPT_CHARS,
  parseCompletionRequest,
  toChatTurnText,
} from './completion-request.js';

const turnOf = (messages: unknown[], extra: object = {}) =>
  toChatTurnText(parseCompletionRequest({ model: 'm', messages, ...extra }));

describe('completion request → chat turn', () => {
  it('asks the last user message and joins system and developer messages', () => {
    const turn = turnOf([
      { role: 'system', content: 'Be brief.' },
      { role: 'developer', content: [{ type: 'text', text: 'Use metric units.' }] },
      { role: 'user', content: 'How far is the moon?' },
    ]);
    assert.equal(turn.message, 'How far is the moon?');
    assert.equal(turn.systemPrompt, 'Be brief.\n\nUse metric units.');
  });

  it('keeps the newest earlier turns when the transcript would pass the prompt limit', () => {
    const long = 'x'.repeat(4_000);
    const history = Array.from({ length: 10 }, (_, index) => ({
      role: index % 2 ? 'assistant' : 'user',
      content: `${index} ${long}`,
    }));
    const turn = turnOf([...history, { role: 'user', content: 'and now?' }]);
    assert.ok((turn.systemPrompt ?? '').length <= MAX_SYSTEM_PROMPT_CHARS);
    assert.ok(turn.droppedTurns > 0);
    assert.match(turn.systemPrompt ?? '', /^Conversation so far:\n/);
    assert.match(turn.systemPrompt ?? '', /assistant: 9 x+$/, 'the newest turn is kept');
    assert.doesNotMatch(turn.systemPrompt ?? '', /user: 0 /, 'the oldest turn gave way');
  });

  it('ignores fields it does not know and accepts nulls the clients send', () => {
    const turn = turnOf([{ role: 'user', content: 'hi', name: 'bob' }], {
      top_p: 0.5,
      temperature: null,
      stream_options: null,
    });
    assert.equal(turn.message, 'hi');
    assert.equal(turn.systemPrompt, undefined);
  });
});
