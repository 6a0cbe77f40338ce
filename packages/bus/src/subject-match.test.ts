import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { subjectMatches } from './subject-match.js';

/** NATS's rule written the plain way, to check the token walk against. */
function byTokens(pattern: string, subject: string): boolean {
  const patternTokens = pattern.split('.');
  const subjectTokens = subject.split('.');
  for (let index = 0; index < patternTokens.length; index++) {
    const token = patternTokens[index];
    if (token === '>') return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== '*' && token !== subjectTokens[index]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

describe('subjectMatches', () => {
  it('follows NATS wildcards', () => {
    const cases: [string, string, boolean][] = [
      ['ai.chat.user.*.message', 'ai.chat.user.alice.message', true],
      ['ai.chat.user.*.message', 'ai.chat.user.alice.login', false],
      ['ai.chat.user.*.message', 'ai.chat.user.message', false],
      ['ai.chat.response.stream.>', 'ai.chat.response.stream.r1', true],
      ['ai.chat.response.stream.>', 'ai.chat.response.stream.r1.x', true],
      ['ai.chat.response.stream.>', 'ai.chat.response.stream', false],
      ['ai.chat.response.*', 'ai.chat.response.stream.r1', false],
      ['ai.chat.response.*', 'ai.chat.response.r1', true],
      ['ai.*.>', 'ai.voice.request', true],
      ['*', 'ai', true],
      ['*', 'ai.chat', false],
      ['>', 'ai.chat', true],
      ['ai.chat', 'ai.chat', true],
      ['ai.chat', 'ai.chats', false],
      ['ai.ch*', 'ai.chat', false],
      ['ai.*', 'ai.chat', true],
      ['ai.*.x', 'ai.chatx', false],
    ];
    for (const [pattern, subject, expected] of cases)
      assert.equal(subjectMatches(pattern, subject), expected, `${pattern} ~ ${subject}`);
  });

  it('agrees with token-by-token matching on many generated subjects', () => {
    const tokens = ['a', 'b', 'ab', '*', '>'];
    const words = ['a', 'b', 'ab', 'ba'];
    const pick = (list: string[], seed: number) => list[seed % list.length] ?? '';
    let checked = 0;
    for (let seed = 0; seed < 4_000; seed++) {
      const patternLength = 1 + (seed % 4);
      const subjectLength = 1 + ((seed >> 2) % 4);
      const pattern = Array.from({ length: patternLength }, (_, i) =>
        pick(tokens, (seed * 7 + i * 13) >> i),
      ).join('.');
      const subject = Array.from({ length: subjectLength }, (_, i) =>
        pick(words, (seed * 11 + i * 5) >> i),
      ).join('.');
      if (pattern.includes('>') && !pattern.endsWith('>')) continue; // not a valid pattern
      assert.equal(
        subjectMatches(pattern, subject),
        byTokens(pattern, subject),
        `${pattern} ~ ${subject}`,
      );
      checked++;
    }
    assert.ok(checked > 1_000);
  });
});
