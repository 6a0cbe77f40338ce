import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The Prometheus metrics of one process, served on `/metrics`. */
export interface PlatformMetrics {
  registry: Registry;
  busMessagesReceived: Counter<'subject_kind' | 'outcome'>;
  busDeadLetters: Counter<'subject_kind'>;
  chatTurns: Counter<'outcome'>;
  chatTimeToFirstToken: Histogram;
  chatTurnDuration: Histogram;
  httpRequests: Counter<'route' | 'status'>;
  modelCallDuration: Histogram<'service' | 'adapter' | 'outcome'>;
}

/** Subject kinds keep label cardinality bounded (no user or request ids as labels). */
export function subjectKind(subject: string): string {
  const parts = subject.split('.');
  if (parts[1] === 'chat' && parts[2] === 'user')
    return `ai.chat.user.*.${parts.slice(4).join('.')}`;
  if (parts[1] === 'voice' && parts[2] === 'user') return 'ai.voice.user.*.request';
  return parts.slice(0, 3).join('.');
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): PlatformMetrics {
  const registry = new Registry();
  if (options.defaultMetrics ?? true)
    collectDefaultMetrics({ register: registry, prefix: 'homelab_' });
  return {
    registry,
    busMessagesReceived: new Counter({
      name: 'homelab_bus_messages_received_total',
      help: 'Bus messages received by handlers, by subject kind and outcome.',
      labelNames: ['subject_kind', 'outcome'],
      registers: [registry],
    }),
    busDeadLetters: new Counter({
      name: 'homelab_bus_dead_letters_total',
      help: 'Messages sent to the dead-letter subject.',
      labelNames: ['subject_kind'],
      registers: [registry],
    }),
    chatTurns: new Counter({
      name: 'homelab_chat_turns_total',
      help: 'Chat turns handled, by outcome.',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    chatTimeToFirstToken: new Histogram({
      name: 'homelab_chat_time_to_first_token_seconds',
      help: 'From the chat handler receiving a message to its first streamed chunk.',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    chatTurnDuration: new Histogram({
      name: 'homelab_chat_turn_duration_seconds',
      help: 'Whole chat turn, receipt to final response.',
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'homelab_http_requests_total',
      help: 'HTTP requests served by the gateway.',
      labelNames: ['route', 'status'],
      registers: [registry],
    }),
    modelCallDuration: new Histogram({
      name: 'homelab_model_call_duration_seconds',
      help: 'Calls to the model services (embeddings, reranker, stt, tts), by adapter and outcome.',
      labelNames: ['service', 'adapter', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
  };
}
