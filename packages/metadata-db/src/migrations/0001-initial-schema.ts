/**
 * Migration 1: the whole first schema. Plain SQL, run as one script in one transaction.
 * Ids are uuids made by the database; every timestamp is timestamptz; rows owned by a user,
 * a session, a document or a run go with it (ON DELETE CASCADE).
 */
import type { Migration } from './migration.js';

export const initialSchema: Migration = {
  version: 1,
  name: 'initial-schema',
  sql: /* sql */ `
CREATE TABLE users (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email         text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  password_hash text,
  role          text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'user')),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE api_tokens (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL,
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  expires_at   timestamptz
);
CREATE INDEX api_tokens_user_id_idx ON api_tokens (user_id);

CREATE TABLE collections (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name            text NOT NULL,
  embedding_model text NOT NULL,
  dimension       integer NOT NULL CHECK (dimension > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_id, name)
);

CREATE TABLE companions (
  id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id           uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name               text NOT NULL,
  avatar             text,
  system_prompt      text NOT NULL DEFAULT '',
  -- A companion outlives the collection it searched by default.
  default_collection uuid REFERENCES collections (id) ON DELETE SET NULL,
  voice              text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (owner_id, name)
);

CREATE TABLE chat_sessions (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Deleting a companion keeps the conversations that were held with it.
  companion_id uuid REFERENCES companions (id) ON DELETE SET NULL,
  title        text NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX chat_sessions_owner_recent_idx ON chat_sessions (owner_id, updated_at DESC);
CREATE INDEX chat_sessions_companion_idx ON chat_sessions (companion_id);

CREATE TABLE messages (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  session_id uuid NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
  role       text NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
  content    text NOT NULL,
  -- A redelivered bus message carries the same request id: unique makes the insert idempotent.
  request_id text UNIQUE,
  sources    jsonb NOT NULL DEFAULT '[]',
  -- clock_timestamp, not now(): a question and its answer written in one transaction still
  -- sort in the order they were written.
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX messages_session_created_idx ON messages (session_id, created_at);

CREATE TABLE documents (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  collection_id uuid NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  owner_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  filename      text NOT NULL,
  content_type  text NOT NULL,
  size_bytes    bigint NOT NULL CHECK (size_bytes >= 0),
  sha256        text NOT NULL,
  object_key    text NOT NULL,
  status        text NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'indexing', 'indexed', 'failed')),
  error         text,
  chunk_count   integer NOT NULL DEFAULT 0,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_collection_sha256_idx ON documents (collection_id, sha256);
CREATE INDEX documents_owner_id_idx ON documents (owner_id);
CREATE INDEX documents_status_idx ON documents (status) WHERE status IN ('queued', 'indexing');

CREATE TABLE chunks (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  document_id uuid NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
  ordinal     integer NOT NULL CHECK (ordinal >= 0),
  text        text NOT NULL,
  token_count integer NOT NULL CHECK (token_count >= 0),
  metadata    jsonb NOT NULL DEFAULT '{}',
  UNIQUE (document_id, ordinal)
);

CREATE TABLE pipelines (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL UNIQUE,
  definition jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE pipeline_runs (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The name, not a key: external engines (Argo, Kubeflow) run pipelines we do not store.
  pipeline    text NOT NULL,
  request_id  text UNIQUE,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')),
  parameters  jsonb NOT NULL DEFAULT '{}',
  error       text,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz
);
CREATE INDEX pipeline_runs_pipeline_started_idx ON pipeline_runs (pipeline, started_at DESC);

CREATE TABLE pipeline_steps (
  run_id      uuid NOT NULL REFERENCES pipeline_runs (id) ON DELETE CASCADE,
  name        text NOT NULL,
  status      text NOT NULL DEFAULT 'pending'
              CHECK (status IN ('pending', 'running', 'succeeded', 'failed', 'skipped')),
  attempt     integer NOT NULL DEFAULT 1 CHECK (attempt >= 1),
  inputs      jsonb NOT NULL DEFAULT '{}',
  outputs     jsonb NOT NULL DEFAULT '{}',
  error       text,
  started_at  timestamptz,
  finished_at timestamptz,
  PRIMARY KEY (run_id, name)
);

CREATE TABLE experiments (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tracking_runs (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  experiment_id   uuid NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  name            text NOT NULL,
  status          text NOT NULL DEFAULT 'running'
                  CHECK (status IN ('running', 'finished', 'failed', 'killed')),
  pipeline_run_id uuid REFERENCES pipeline_runs (id) ON DELETE SET NULL,
  started_at      timestamptz NOT NULL DEFAULT now(),
  finished_at     timestamptz
);
CREATE INDEX tracking_runs_experiment_idx ON tracking_runs (experiment_id, started_at DESC);

CREATE TABLE tracking_params (
  run_id uuid NOT NULL REFERENCES tracking_runs (id) ON DELETE CASCADE,
  key    text NOT NULL,
  value  text NOT NULL,
  PRIMARY KEY (run_id, key)
);

CREATE TABLE tracking_metrics (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  run_id    uuid NOT NULL REFERENCES tracking_runs (id) ON DELETE CASCADE,
  key       text NOT NULL,
  value     double precision NOT NULL,
  step      bigint NOT NULL DEFAULT 0,
  timestamp timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tracking_metrics_run_key_step_idx ON tracking_metrics (run_id, key, step);
`,
};
