/**
 * Speaks sentences one request each, with the next request already on its way while the current
 * answer is consumed. Stopping early (break, error, abort) cancels the request in flight.
 */

export async function* pipelineSentences<T>(
  sentences: readonly string[],
  callerSignal: AbortSignal | undefined,
  speak: (sentence: string, signal: AbortSignal) => Promise<T>,
): AsyncGenerator<{ sentence: string; answer: T }> {
  const stop = new AbortController();
  const signal = callerSignal ? AbortSignal.any([callerSignal, stop.signal]) : stop.signal;
  const start = (sentence: string | undefined) => {
    if (sentence === undefined) return undefined;
    const answer = speak(sentence, signal);
    // awaited in turn; a lookahead dropped because the consumer stopped must not go unhandled
    answer.catch(() => undefined);
    return answer;
  };
  try {
    let next = start(sentences[0]);
    for (const [index, sentence] of sentences.entries()) {
      const current = next;
      next = start(sentences[index + 1]);
      if (current) yield { sentence, answer: await current };
    }
  } finally {
    stop.abort();
  }
}
