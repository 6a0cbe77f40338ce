/** Whether a subscription pattern has a NATS wildcard (`*` or `>`) in it. */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes('*') || pattern.includes('>');
}

/** NATS subject matching: `*` matches one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  // Most subscriptions name one subject (a turn's stream, its response): nothing to walk.
  if (!hasWildcard(pattern)) return false;
  // Token by token, without splitting (publishing tests every stream's patterns).
  let patternAt = 0;
  let subjectAt = 0;
  for (;;) {
    const patternEnd = tokenEnd(pattern, patternAt);
    const token = pattern.slice(patternAt, patternEnd);
    if (token === '>') return subjectAt < subject.length;
    if (subjectAt >= subject.length) return false;
    const subjectEnd = tokenEnd(subject, subjectAt);
    if (token !== '*' && !subject.startsWith(token, subjectAt)) return false;
    if (token !== '*' && subjectEnd - subjectAt !== token.length) return false;
    const patternDone = patternEnd >= pattern.length;
    const subjectDone = subjectEnd >= subject.length;
    if (patternDone || subjectDone) return patternDone && subjectDone;
    patternAt = patternEnd + 1;
    subjectAt = subjectEnd + 1;
  }
}

/** Where the token starting at `from` ends (the next dot, or the end). */
function tokenEnd(text: string, from: number): number {
  const dot = text.indexOf('.', from);
  return dot === -1 ? text.length : dot;
}

const VALID_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

/** A subject one can publish to: non-empty tokens, no wildcards, no whitespace. */
export function isPublishableSubject(subject: string): boolean {
  return VALID_SUBJECT.test(subject);
}
