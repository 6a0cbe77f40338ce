/**
 * Every configuration variable: its default, what it means and how it is parsed. The README's
 * configuration table mirrors this list.
 */
import { z } from 'zod';

const wholeNumber = z.coerce
  .number({ error: 'must be a whole number' })
  .int('must be a whole number');
const port = wholeNumber
  .min(0, 'must be a port from 0 to 65535')
  .max(65_535, 'must be a port from 0 to 65535');
const positiveInt = wholeNumber.min(1, 'must be at least 1');
const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return value
            .split(',')
            .every((part) => protocols.includes(new URL(part.trim()).protocol));
        } catch {
          return false;
        }
      },
      `must be a URL (${protocols.join(' or ')})`,
    );

export const VARIABLES = {
  HOST: {
    schema: z.string().trim().min(1),
    fallback: '127.0.0.1',
    help: 'Address the HTTP server listens on.',
  },
  PORT: {
    schema: port,
    fallback: '8080',
    help: 'HTTP port (gateway, or health/metrics for a single role); 0 picks a free one and prints it.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    fallback: 'info',
    help: 'Log level of the JSON logs on stdout.',
  },
  HOMELAB_DATA_DIR: {
    schema: z.string().trim().min(1),
    fallback: './data',
    help: 'Where embedded stores keep their data.',
  },
  HOMELAB_MODELS_DIR: {
    schema: z.string().trim().min(1),
    fallback: './models',
    help: 'Where model files live.',
  },
  NATS_URL: {
    schema: url(['nats:', 'tls:', 'ws:', 'wss:']),
    fallback: undefined,
    help: 'NATS server(s), comma-separated. Unset: the embedded in-process bus.',
  },
  NATS_TOKEN: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'NATS auth token, if the server wants one.',
  },
  DATABASE_URL: {
    schema: url(['postgres:', 'postgresql:']),
    fallback: undefined,
    help: 'PostgreSQL for metadata (e.g. postgres://user:pass@host:5432/homelab). Unset: embedded PGlite in HOMELAB_DATA_DIR.',
  },
  VALKEY_URL: {
    schema: url(['redis:', 'rediss:', 'valkey:', 'valkeys:']),
    fallback: undefined,
    help: 'Valkey/Redis for the session cache (redis://host:6379/0). Unset: in memory.',
  },
  S3_ENDPOINT: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'S3 API endpoint (MinIO, Ceph, AWS). Unset: objects in HOMELAB_DATA_DIR/objects.',
  },
  S3_BUCKET: {
    schema: z.string().trim().min(3).max(63),
    fallback: 'homelab-ai',
    help: 'Bucket, created if missing.',
  },
  S3_ACCESS_KEY_ID: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'S3 access key (needed with S3_ENDPOINT).',
  },
  S3_SECRET_ACCESS_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'S3 secret key (needed with S3_ENDPOINT).',
  },
  S3_REGION: { schema: z.string().trim().min(1), fallback: 'us-east-1', help: 'S3 region.' },
  MILVUS_ADDRESS: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Milvus gRPC address (host:19530). Unset: the embedded vector store in HOMELAB_DATA_DIR/vectors.',
  },
  MILVUS_TOKEN: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Milvus token (user:password or API key).',
  },
  LLM_BASE_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'OpenAI-compatible server (vLLM, Ollama, llama.cpp server, KServe), e.g. http://vllm:8000/v1.',
  },
  LLM_MODEL: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Model name sent to LLM_BASE_URL (default: the first it lists).',
  },
  LLM_API_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Bearer key for LLM_BASE_URL.',
  },
  LLM_MODEL_PATH: {
    schema: z
      .string()
      .trim()
      .regex(/\.gguf$/i, 'must be a .gguf file'),
    fallback: undefined,
    help: 'GGUF file for the embedded llama.cpp engine (used when LLM_BASE_URL is unset).',
  },
  LLM_CONTEXT_SIZE: {
    schema: positiveInt.max(1_048_576),
    fallback: '4096',
    help: 'Context window of the embedded engine, in tokens.',
  },
  LLM_THREADS: {
    schema: positiveInt.max(256),
    fallback: undefined,
    help: 'CPU threads of the embedded engine (default: all cores).',
  },
  LLM_MAX_TOKENS: {
    schema: positiveInt.max(131_072),
    fallback: '1024',
    help: 'Most tokens generated per answer.',
  },
  LLM_TIMEOUT_MS: {
    schema: positiveInt,
    fallback: '120000',
    help: 'Longest a model call may take.',
  },
  CHAT_CONCURRENCY: {
    schema: positiveInt.max(1024),
    fallback: '8',
    help: 'Chat turns one handler runs at once.',
  },
  BUS_ACK_WAIT_MS: {
    schema: positiveInt.min(100),
    fallback: '30000',
    help: 'A turn not acknowledged (nor reported alive) within this is redelivered.',
  },
  BUS_MAX_DELIVER: {
    schema: positiveInt.max(100),
    fallback: '3',
    help: 'Deliveries before a message goes to the dead-letter subject.',
  },
  SHUTDOWN_GRACE_MS: {
    schema: z.coerce.number().int().min(0),
    fallback: '20000',
    help: 'On SIGTERM, how long turns in flight may finish.',
  },
} as const satisfies Record<
  string,
  { schema: z.ZodType; fallback: string | undefined; help: string }
>;

export type VariableName = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];
