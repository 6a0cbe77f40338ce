/**
 * The JetStream streams of the platform. Adapters create or update them idempotently at start;
 * the embedded bus keeps the same names and subjects so that both behave alike.
 */
export interface StreamSpec {
  name: string;
  subjects: string[];
  storage: 'file' | 'memory';
  /** Oldest message kept, in milliseconds; 0 keeps messages until limits or acks remove them. */
  maxAgeMs: number;
  /** Work queues delete a message once a consumer acknowledges it. */
  retention: 'limits' | 'workqueue';
  description: string;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const STREAMS = {
  companionsChat: {
    name: 'COMPANIONS_CHAT',
    subjects: ['ai.chat.user.*.message'],
    storage: 'file',
    maxAgeMs: 7 * DAY,
    retention: 'limits',
    description: 'User chat messages, consumed durably by the chat handler.',
  },
  companionsLogins: {
    name: 'COMPANIONS_LOGINS',
    subjects: ['ai.chat.user.*.login'],
    storage: 'file',
    maxAgeMs: 7 * DAY,
    retention: 'limits',
    description: 'Login events, for personalised greetings.',
  },
  chatResponses: {
    name: 'AI_CHAT_STREAM',
    subjects: ['ai.chat.response.stream.>'],
    storage: 'memory',
    maxAgeMs: 5 * MINUTE,
    retention: 'limits',
    description: 'Token streams, kept a few minutes so a reconnecting client can replay.',
  },
  voice: {
    name: 'AI_VOICE_STREAM',
    subjects: ['ai.voice.request', 'ai.voice.user.*.request'],
    storage: 'file',
    maxAgeMs: 1 * DAY,
    retention: 'limits',
    description: 'Voice turns, consumed durably by the voice assistant.',
  },
  pipelines: {
    name: 'AI_PIPELINES',
    subjects: ['ai.pipeline.trigger', 'ai.pipeline.status.*'],
    storage: 'file',
    maxAgeMs: 30 * DAY,
    retention: 'limits',
    description: 'Pipeline triggers and their status history.',
  },
  deadLetters: {
    name: 'AI_DEAD_LETTERS',
    subjects: ['ai.deadletter.>'],
    storage: 'file',
    maxAgeMs: 30 * DAY,
    retention: 'limits',
    description: 'Messages no handler could process, each with the reason.',
  },
} as const satisfies Record<string, StreamSpec>;

export const ALL_STREAMS: readonly StreamSpec[] = Object.values(STREAMS);
