/**
 * Loads configuration: defaults, then an optional file (`HOMELAB_CONFIG`, JSON or KEY=VALUE
 * lines), then environment variables. A wrong value stops startup with a message naming it.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PlatformError } from '@homelab-ai/contracts';
import { VARIABLES, VARIABLE_NAMES, type VariableName } from './variables.js';
import { authConfigFrom, type AuthConfig } from './auth-config.js';

export type { AuthConfig, OidcProviderConfig } from './auth-config.js';
export { isLoopbackHost } from './auth-config.js';

export interface PlatformConfig {
  http: { host: string; port: number };
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  dataDir: string;
  modelsDir: string;
  bus: {
    natsUrl: string | undefined;
    natsToken: string | undefined;
    ackWaitMs: number;
    maxDeliver: number;
  };
  stores: {
    databaseUrl: string | undefined;
    valkeyUrl: string | undefined;
    s3:
      | {
          endpoint: string;
          bucket: string;
          accessKeyId: string;
          secretAccessKey: string;
          region: string;
        }
      | undefined;
    milvus: { address: string; token: string | undefined } | undefined;
    /** Rows the embedded vector store keeps in memory for search, over all collections. */
    vectorResidentRows: number;
  };
  llm: {
    baseUrl: string | undefined;
    model: string | undefined;
    apiKey: string | undefined;
    modelPath: string | undefined;
    contextSize: number;
    threads: number | undefined;
    maxTokens: number;
    timeoutMs: number;
  };
  /** Embeddings, reranker, speech-to-text, text-to-speech: a URL means a remote server. */
  models: ModelServicesConfig;
  ingestion: {
    maxUploadBytes: number;
    allowPrivateUrls: boolean;
    localRoots: string[];
    chunkTokens: number;
    chunkOverlapTokens: number;
  };
  pipelines: { concurrency: number };
  chat: { concurrency: number };
  shutdownGraceMs: number;
  /** Sign-in: mode, first-start admin, sessions, trusted proxies, OIDC providers. */
  auth: AuthConfig;
  /** Where each value came from, for `homelab-ai up` to report. */
  sources: Record<VariableName, 'default' | 'file' | 'env'>;
}

export interface RemoteServiceConfig<Api extends string> {
  url: string;
  api: Api;
  model: string | undefined;
  apiKey: string | undefined;
}

export interface ModelServicesConfig {
  timeoutMs: number;
  idleUnloadMs: number;
  embeddings: {
    remote: RemoteServiceConfig<'openai' | 'tei'> | undefined;
    modelPath: string | undefined;
  };
  reranker: {
    remote: RemoteServiceConfig<'cohere' | 'tei'> | undefined;
    modelPath: string | undefined;
  };
  stt: { remote: RemoteServiceConfig<'openai'> | undefined; whisperModelPath: string | undefined };
  tts: { remote: RemoteServiceConfig<'openai' | 'xtts'> | undefined; voice: string | undefined };
}

type RawValues = Partial<Record<string, string>>;

function readConfigFile(path: string): RawValues {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new PlatformError(
      'invalid_config',
      `HOMELAB_CONFIG: cannot read ${path}: ${(error as Error).message}`,
    );
  }
  if (path.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new PlatformError(
        'invalid_config',
        `HOMELAB_CONFIG: ${path} is not valid JSON: ${(error as Error).message}`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new PlatformError(
        'invalid_config',
        `HOMELAB_CONFIG: ${path} must hold a JSON object of VARIABLE: value`,
      );
    }
    return Object.fromEntries(Object.entries(parsed).map(([key, value]) => [key, String(value)]));
  }
  const values: RawValues = {};
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Z0-9_]+)\s*=\s*(.*)$/.exec(trimmed);
    if (!match)
      throw new PlatformError(
        'invalid_config',
        `HOMELAB_CONFIG: ${path} line ${index + 1} is not KEY=VALUE`,
      );
    values[match[1] as string] = (match[2] as string).replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/** Reads and validates the configuration; throws `invalid_config` naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const fileValues = env.HOMELAB_CONFIG ? readConfigFile(resolve(env.HOMELAB_CONFIG)) : {};
  const unknown = Object.keys(fileValues).filter((key) => !(key in VARIABLES));
  const problems: string[] = unknown.map(
    (key) => `${key}: not a known variable (in HOMELAB_CONFIG)`,
  );
  const values: Record<string, unknown> = {};
  const sources = {} as PlatformConfig['sources'];
  for (const name of VARIABLE_NAMES) {
    const fromEnv = env[name];
    const fromFile = fileValues[name];
    const raw =
      fromEnv !== undefined && fromEnv !== ''
        ? fromEnv
        : fromFile !== undefined && fromFile !== ''
          ? fromFile
          : undefined;
    sources[name] =
      raw === fromEnv && raw !== undefined ? 'env' : raw !== undefined ? 'file' : 'default';
    const candidate = raw ?? VARIABLES[name].fallback;
    if (candidate === undefined) continue;
    const parsed = VARIABLES[name].schema.safeParse(candidate);
    if (parsed.success) values[name] = parsed.data;
    else
      problems.push(
        `${name}: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(candidate)})`,
      );
  }
  if (values.S3_ENDPOINT !== undefined) {
    for (const name of ['S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY'] as const) {
      if (values[name] === undefined) problems.push(`${name}: required when S3_ENDPOINT is set`);
    }
  }
  const auth = authConfigFrom((name) => values[name], problems);
  if (problems.length > 0) {
    throw new PlatformError('invalid_config', `Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const get = <T>(name: VariableName) => values[name] as T;
  const path = (name: VariableName) => get<string | undefined>(name) && resolve(get<string>(name));
  function remote<Api extends string>(
    urlName: VariableName,
    apiName: VariableName | undefined,
    modelName: VariableName,
    keyName: VariableName,
  ): RemoteServiceConfig<Api> | undefined {
    const serviceUrl = get<string | undefined>(urlName);
    if (serviceUrl === undefined) return undefined;
    return {
      url: serviceUrl,
      api: (apiName === undefined ? 'openai' : get<string>(apiName)) as Api,
      model: get(modelName),
      apiKey: get(keyName),
    };
  }
  return {
    http: { host: get('HOST'), port: get('PORT') },
    logLevel: get('LOG_LEVEL'),
    dataDir: resolve(get<string>('HOMELAB_DATA_DIR')),
    modelsDir: resolve(get<string>('HOMELAB_MODELS_DIR')),
    bus: {
      natsUrl: get('NATS_URL'),
      natsToken: get('NATS_TOKEN'),
      ackWaitMs: get('BUS_ACK_WAIT_MS'),
      maxDeliver: get('BUS_MAX_DELIVER'),
    },
    stores: {
      databaseUrl: get('DATABASE_URL'),
      valkeyUrl: get('VALKEY_URL'),
      s3:
        values.S3_ENDPOINT === undefined
          ? undefined
          : {
              endpoint: get('S3_ENDPOINT'),
              bucket: get('S3_BUCKET'),
              accessKeyId: get('S3_ACCESS_KEY_ID'),
              secretAccessKey: get('S3_SECRET_ACCESS_KEY'),
              region: get('S3_REGION'),
            },
      milvus:
        values.MILVUS_ADDRESS === undefined
          ? undefined
          : { address: get('MILVUS_ADDRESS'), token: get('MILVUS_TOKEN') },
      vectorResidentRows: get('VECTOR_RESIDENT_ROWS'),
    },
    llm: {
      baseUrl: get('LLM_BASE_URL'),
      model: get('LLM_MODEL'),
      apiKey: get('LLM_API_KEY'),
      modelPath: path('LLM_MODEL_PATH'),
      contextSize: get('LLM_CONTEXT_SIZE'),
      threads: get('LLM_THREADS'),
      maxTokens: get('LLM_MAX_TOKENS'),
      timeoutMs: get('LLM_TIMEOUT_MS'),
    },
    models: {
      timeoutMs: get('MODELS_TIMEOUT_MS'),
      idleUnloadMs: get('MODELS_IDLE_UNLOAD_MS'),
      embeddings: {
        remote: remote(
          'EMBEDDINGS_URL',
          'EMBEDDINGS_API',
          'EMBEDDINGS_MODEL',
          'EMBEDDINGS_API_KEY',
        ),
        modelPath: path('EMBEDDINGS_MODEL_PATH'),
      },
      reranker: {
        remote: remote('RERANKER_URL', 'RERANKER_API', 'RERANKER_MODEL', 'RERANKER_API_KEY'),
        modelPath: path('RERANKER_MODEL_PATH'),
      },
      stt: {
        remote: remote('STT_URL', undefined, 'STT_MODEL', 'STT_API_KEY'),
        whisperModelPath: path('WHISPER_MODEL_PATH'),
      },
      tts: {
        remote: remote('TTS_URL', 'TTS_API', 'TTS_MODEL', 'TTS_API_KEY'),
        voice: get('TTS_VOICE'),
      },
    },
    ingestion: {
      maxUploadBytes: get<number>('INGEST_MAX_UPLOAD_MB') * 1024 * 1024,
      allowPrivateUrls: get<string>('INGEST_ALLOW_PRIVATE_URLS') === 'true',
      localRoots: (
        get<string | undefined>('INGEST_LOCAL_ROOTS') ??
        join(get<string>('HOMELAB_DATA_DIR'), 'imports')
      )
        .split(',')
        .map((root) => resolve(root.trim()))
        .filter(Boolean),
      chunkTokens: get('INGEST_CHUNK_TOKENS'),
      chunkOverlapTokens: get('INGEST_CHUNK_OVERLAP_TOKENS'),
    },
    pipelines: { concurrency: get('PIPELINE_CONCURRENCY') },
    chat: { concurrency: get('CHAT_CONCURRENCY') },
    shutdownGraceMs: get('SHUTDOWN_GRACE_MS'),
    auth,
    sources,
  };
}
