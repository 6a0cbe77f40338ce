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
  VECTOR_RESIDENT_ROWS: {
    schema: wholeNumber.min(0, 'must be 0 or more').max(10_000_000),
    fallback: '50000',
    help: 'Embedded vector store: rows of small collections (up to 10,000 rows each) also kept in memory and searched there, over all collections; 0 turns it off.',
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
  MODELS_TIMEOUT_MS: {
    schema: positiveInt,
    fallback: '60000',
    help: 'Longest a call to the embeddings, reranker, speech-to-text or text-to-speech service may take.',
  },
  MODELS_IDLE_UNLOAD_MS: {
    schema: z.coerce.number().int().min(0),
    fallback: '900000',
    help: 'Embedded models are unloaded after this long unused (0 keeps them loaded).',
  },
  EMBEDDINGS_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'Embeddings server: OpenAI-compatible incl. /v1 (vLLM, Ollama, Infinity) or TEI. Unset: embedded llama.cpp on EMBEDDINGS_MODEL_PATH.',
  },
  EMBEDDINGS_API: {
    schema: z.enum(['openai', 'tei']),
    fallback: 'openai',
    help: 'Protocol of EMBEDDINGS_URL: openai (/embeddings) or tei (/embed).',
  },
  EMBEDDINGS_MODEL: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Model name sent to EMBEDDINGS_URL (OpenAI protocol; default: the first it lists).',
  },
  EMBEDDINGS_API_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Bearer key for EMBEDDINGS_URL.',
  },
  EMBEDDINGS_MODEL_PATH: {
    schema: z
      .string()
      .trim()
      .regex(/\.gguf$/i, 'must be a .gguf file'),
    fallback: undefined,
    help: 'GGUF embedding model for the embedded engine (default: a catalogue embedding model found in HOMELAB_MODELS_DIR).',
  },
  RERANKER_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'Reranker server: Cohere-style /rerank (Infinity, vLLM, Jina; incl. /v1) or TEI. Unset: embedded llama.cpp on RERANKER_MODEL_PATH.',
  },
  RERANKER_API: {
    schema: z.enum(['cohere', 'tei']),
    fallback: 'cohere',
    help: 'Protocol of RERANKER_URL: cohere ({query, documents} → results) or tei ({query, texts}).',
  },
  RERANKER_MODEL: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Model name sent to RERANKER_URL.',
  },
  RERANKER_API_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Bearer key for RERANKER_URL.',
  },
  RERANKER_MODEL_PATH: {
    schema: z
      .string()
      .trim()
      .regex(/\.gguf$/i, 'must be a .gguf file'),
    fallback: undefined,
    help: 'GGUF reranker model for the embedded engine (default: a catalogue reranker found in HOMELAB_MODELS_DIR).',
  },
  STT_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'Speech-to-text server with OpenAI /audio/transcriptions incl. /v1 (faster-whisper-server, Speaches). Unset: embedded whisper.cpp, else pocketsphinx.',
  },
  STT_MODEL: {
    schema: z.string().trim().min(1),
    fallback: 'whisper-1',
    help: 'Model name sent to STT_URL.',
  },
  STT_API_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Bearer key for STT_URL.',
  },
  WHISPER_MODEL_PATH: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'whisper.cpp ggml model file for embedded speech-to-text (default: a catalogue whisper model found in HOMELAB_MODELS_DIR).',
  },
  TTS_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'Text-to-speech server: OpenAI /audio/speech incl. /v1, or an XTTS API server. Unset: embedded espeak-ng.',
  },
  TTS_API: {
    schema: z.enum(['openai', 'xtts']),
    fallback: 'openai',
    help: 'Protocol of TTS_URL: openai (/audio/speech) or xtts (/tts_to_audio, /tts_stream).',
  },
  TTS_MODEL: {
    schema: z.string().trim().min(1),
    fallback: 'tts-1',
    help: 'Model name sent to TTS_URL (OpenAI protocol).',
  },
  TTS_VOICE: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Default voice (OpenAI voice, XTTS speaker, espeak-ng voice such as en-us).',
  },
  TTS_API_KEY: {
    schema: z.string().min(1),
    fallback: undefined,
    help: 'Bearer key for TTS_URL.',
  },
  INGEST_MAX_UPLOAD_MB: {
    schema: positiveInt.max(10_240),
    fallback: '100',
    help: 'Largest document accepted for ingestion, in MB.',
  },
  INGEST_ALLOW_PRIVATE_URLS: {
    schema: z.enum(['true', 'false'], { error: 'must be true or false' }),
    fallback: 'false',
    help: 'Let ingestion fetch URLs on loopback or private addresses (off: protects against SSRF).',
  },
  INGEST_LOCAL_ROOTS: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Comma-separated server folders that ingestion may read (file:// or path sources). Default: HOMELAB_DATA_DIR/imports.',
  },
  INGEST_CHUNK_TOKENS: {
    schema: positiveInt.min(32).max(8192),
    fallback: '256',
    help: 'Largest chunk, in tokens (about 1,000 characters of English at 256).',
  },
  INGEST_CHUNK_OVERLAP_TOKENS: {
    schema: z.coerce.number().int().min(0).max(1024),
    fallback: '32',
    help: 'Tokens a chunk repeats from the one before it.',
  },
  PIPELINE_CONCURRENCY: {
    schema: positiveInt.max(64),
    fallback: '2',
    help: 'Pipeline steps the embedded runner runs at once.',
  },
  CHAT_CONCURRENCY: {
    schema: positiveInt.max(1024),
    fallback: '64',
    help: 'Chat turns one handler runs at once (turns mostly wait on the LLM server).',
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
  HOMELAB_AUTH_MODE: {
    schema: z.enum(['local', 'trusted-header', 'none'], {
      error: 'must be local, trusted-header or none',
    }),
    fallback: 'local',
    help: 'How people sign in: local (accounts with passwords and OIDC), trusted-header (an authenticating proxy names the user) or none (single user, everything as the admin; only when HOST is loopback).',
  },
  HOMELAB_ADMIN_EMAIL: {
    schema: z
      .string()
      .trim()
      .regex(/^[^\s@]+@[^\s@]+$/, 'must be an email address'),
    fallback: 'admin@homelab.local',
    help: 'Email of the admin created at first start (when there is no admin).',
  },
  HOMELAB_ADMIN_PASSWORD: {
    schema: z.string().min(8, 'must be at least 8 characters').max(1024),
    fallback: undefined,
    help: 'Password of the admin created at first start. Unset: a generated password is printed once.',
  },
  HOMELAB_BOOTSTRAP_TOKEN: {
    schema: z.string().trim().min(20, 'must be at least 20 characters').max(512),
    fallback: undefined,
    help: 'An API token stored for the admin at first start, for scripts that set the platform up.',
  },
  HOMELAB_SESSION_TTL_HOURS: {
    schema: positiveInt.max(8760),
    fallback: '168',
    help: 'A browser session ends after this many hours without use.',
  },
  HOMELAB_SECURE_COOKIES: {
    schema: z.enum(['auto', 'true', 'false'], { error: 'must be auto, true or false' }),
    fallback: 'auto',
    help: 'Mark cookies Secure: auto does so when HOMELAB_PUBLIC_URL or the request is https.',
  },
  HOMELAB_TRUSTED_HEADER_EMAIL: {
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/, 'must be header names, comma-separated'),
    fallback: 'X-Auth-Request-Email,X-Forwarded-Email',
    help: 'trusted-header mode: headers carrying the signed-in email (the first present wins).',
  },
  HOMELAB_TRUSTED_HEADER_NAME: {
    schema: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/, 'must be header names, comma-separated'),
    fallback: 'X-Auth-Request-Preferred-Username,X-Forwarded-Preferred-Username',
    help: 'trusted-header mode: headers carrying the display name (the first present wins).',
  },
  HOMELAB_TRUSTED_PROXIES: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'Comma-separated addresses or CIDRs (10.0.0.0/8, ::1) allowed to send the trusted headers and X-Forwarded-For; required in trusted-header mode.',
  },
  HOMELAB_OIDC_PROVIDERS: {
    schema: z.string().trim().min(1),
    fallback: undefined,
    help: 'OIDC sign-in: a JSON array [{"id","name","issuer","client_id","client_secret","scopes"}], one login button each.',
  },
  HOMELAB_PUBLIC_URL: {
    schema: url(['http:', 'https:']),
    fallback: undefined,
    help: 'The URL people open (https://ai.example.org): OIDC redirect URIs and same-origin checks use it. Unset: taken from each request.',
  },
  HOMELAB_SIGNUP: {
    schema: z.enum(['closed', 'open'], { error: 'must be closed or open' }),
    fallback: 'closed',
    help: 'open: anyone may create an account (and unknown OIDC users are created); closed: only admins create accounts.',
  },
} as const satisfies Record<
  string,
  { schema: z.ZodType; fallback: string | undefined; help: string }
>;

export type VariableName = keyof typeof VARIABLES;
export const VARIABLE_NAMES = Object.keys(VARIABLES) as VariableName[];
