/**
 * The typed shape of the metadata database for Kysely. It mirrors the SQL of
 * `migrations/` by hand; the contract suite inserts and reads every table through these types,
 * so a drift shows up as a failing test or a type error.
 *
 * `Generated<T>` columns have a database default; `Json<T>` columns are read as parsed JSON but
 * written as a JSON string, because `pg` would turn a JS array into a Postgres array literal.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A jsonb column: selected as `T`, inserted and updated as a JSON string (see `toJson`). */
export type Json<T> = ColumnType<T, string, string>;
/** A jsonb column with a database default. */
export type GeneratedJson<T> = ColumnType<T, string | undefined, string>;
/** A timestamptz column the database fills in (`default now()`), still settable. */
export type CreatedAt = ColumnType<Date, Date | string | undefined, Date | string>;
/** A nullable timestamptz column. */
export type OptionalTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;

export type JsonObject = Record<string, unknown>;

export type UserRole = 'admin' | 'user';
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';
export type DocumentStatus = 'queued' | 'indexing' | 'indexed' | 'failed';
export type PipelineRunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type PipelineStepStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
export type TrackingRunStatus = 'running' | 'finished' | 'failed' | 'killed';

/** A source a RAG answer cited, kept with the assistant message. */
export interface MessageSource {
  documentId?: string;
  chunkId?: string;
  filename?: string;
  score?: number;
  text?: string;
  /** How the source is cited: file name (and page). */
  source?: string;
  collection?: string;
  page?: number;
  heading?: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: CreatedAt;
}

export interface UsersTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string | null;
  role: ColumnType<UserRole, UserRole | undefined, UserRole>;
  created_at: CreatedAt;
  disabled: Generated<boolean>;
  last_login_at: OptionalTimestamp;
}

/** An external identity (OIDC provider + subject, or a trusted proxy's user) of a user. */
export interface UserIdentitiesTable {
  provider: string;
  subject: string;
  user_id: string;
  email: string | null;
  created_at: CreatedAt;
}

/** A browser session: the cookie carries a random token, the row its sha256. */
export interface WebSessionsTable {
  token_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  user_id: string;
  name: string;
  token_hash: string;
  created_at: CreatedAt;
  last_used_at: OptionalTimestamp;
  expires_at: OptionalTimestamp;
}

export interface CompanionsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  avatar: string | null;
  system_prompt: Generated<string>;
  default_collection: string | null;
  voice: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  is_default: Generated<boolean>;
}

export interface ChatSessionsTable {
  id: Generated<string>;
  owner_id: string;
  companion_id: string | null;
  title: Generated<string>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /** The session id a bus client chose, when it is not one of ours; unique per owner. */
  external_id: string | null;
}

export interface MessagesTable {
  id: Generated<string>;
  session_id: string;
  role: MessageRole;
  content: string;
  /** The bus request that produced the message; unique, so a redelivery inserts nothing. */
  request_id: string | null;
  sources: GeneratedJson<MessageSource[]>;
  created_at: CreatedAt;
}

export interface CollectionsTable {
  id: Generated<string>;
  owner_id: string;
  name: string;
  embedding_model: string;
  dimension: number;
  created_at: CreatedAt;
}

export interface DocumentsTable {
  id: Generated<string>;
  collection_id: string;
  owner_id: string;
  filename: string;
  content_type: string;
  /** bigint in SQL, read as a JS number by both adapters. */
  size_bytes: number;
  sha256: string;
  object_key: string;
  status: ColumnType<DocumentStatus, DocumentStatus | undefined, DocumentStatus>;
  error: string | null;
  chunk_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ChunksTable {
  id: Generated<string>;
  document_id: string;
  ordinal: number;
  text: string;
  token_count: number;
  metadata: GeneratedJson<JsonObject>;
}

export interface PipelinesTable {
  id: Generated<string>;
  name: string;
  definition: Json<JsonObject>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface PipelineRunsTable {
  id: Generated<string>;
  pipeline: string;
  request_id: string | null;
  status: ColumnType<PipelineRunStatus, PipelineRunStatus | undefined, PipelineRunStatus>;
  parameters: GeneratedJson<Record<string, string>>;
  error: string | null;
  started_at: CreatedAt;
  finished_at: OptionalTimestamp;
}

export interface PipelineStepsTable {
  run_id: string;
  name: string;
  status: ColumnType<PipelineStepStatus, PipelineStepStatus | undefined, PipelineStepStatus>;
  attempt: Generated<number>;
  inputs: GeneratedJson<JsonObject>;
  outputs: GeneratedJson<JsonObject>;
  error: string | null;
  started_at: OptionalTimestamp;
  finished_at: OptionalTimestamp;
}

export interface ExperimentsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface TrackingRunsTable {
  id: Generated<string>;
  experiment_id: string;
  name: string;
  status: ColumnType<TrackingRunStatus, TrackingRunStatus | undefined, TrackingRunStatus>;
  pipeline_run_id: string | null;
  started_at: CreatedAt;
  finished_at: OptionalTimestamp;
}

export interface TrackingParamsTable {
  run_id: string;
  key: string;
  value: string;
}

export interface TrackingMetricsTable {
  id: Generated<number>;
  run_id: string;
  key: string;
  value: number;
  step: Generated<number>;
  timestamp: CreatedAt;
}

/** Every table of the metadata database, as Kysely sees it. */
export interface Database {
  schema_migrations: SchemaMigrationsTable;
  users: UsersTable;
  user_identities: UserIdentitiesTable;
  web_sessions: WebSessionsTable;
  api_tokens: ApiTokensTable;
  companions: CompanionsTable;
  chat_sessions: ChatSessionsTable;
  messages: MessagesTable;
  collections: CollectionsTable;
  documents: DocumentsTable;
  chunks: ChunksTable;
  pipelines: PipelinesTable;
  pipeline_runs: PipelineRunsTable;
  pipeline_steps: PipelineStepsTable;
  experiments: ExperimentsTable;
  tracking_runs: TrackingRunsTable;
  tracking_params: TrackingParamsTable;
  tracking_metrics: TrackingMetricsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type ApiToken = Selectable<ApiTokensTable>;
export type UserIdentity = Selectable<UserIdentitiesTable>;
export type WebSession = Selectable<WebSessionsTable>;
export type Companion = Selectable<CompanionsTable>;
export type ChatSession = Selectable<ChatSessionsTable>;
export type Message = Selectable<MessagesTable>;
export type NewMessage = Insertable<MessagesTable>;
export type Collection = Selectable<CollectionsTable>;
export type Document = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;
export type DocumentUpdate = Updateable<DocumentsTable>;
export type Chunk = Selectable<ChunksTable>;

/** Serializes a value for a jsonb column (both adapters then store the same JSON). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}
