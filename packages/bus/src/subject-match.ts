/** NATS subject matching: `*` matches one token, `>` one or more trailing tokens. */
export function subjectMatches(pattern: string, subject: string): boolean {
  if (pattern === subject) return true;
  // Most subscriptions name one subject (a turn's stream, its response): no need to split.
  if (!pattern.includes('*') && !pattern.includes('>')) return false;
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

const VALID_SUBJECT = /^[^\s.*>]+(\.[^\s.*>]+)*$/;

/** A subject one can publish to: non-empty tokens, no wildcards, no whitespace. */
export function isPublishableSubject(subject: string): boolean {
  return VALID_SUBJECT.test(subject);
}
