/**
 * Migration 2: what accounts and the chat handler need.
 * - users can be disabled by an admin, and remember their last login;
 * - external identities (OIDC provider + subject, or a trusted proxy header) map to users;
 * - browser sessions are rows (any gateway replica serves any browser), stored by the hash of
 *   the cookie token with their CSRF token;
 * - a chat session can carry the id a bus client chose (`external_id`), unique per owner;
 * - a companion can be marked as the owner's default.
 */
import type { Migration } from './migration.js';

export const accountsAndChat: Migration = {
  version: 2,
  name: 'accounts-and-chat',
  sql: /* sql */ `
ALTER TABLE users ADD COLUMN disabled boolean NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN last_login_at timestamptz;

CREATE TABLE user_identities (
  provider   text NOT NULL,
  subject    text NOT NULL,
  user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  email      text,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user_id_idx ON user_identities (user_id);

CREATE TABLE web_sessions (
  token_hash   text PRIMARY KEY,
  user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX web_sessions_user_id_idx ON web_sessions (user_id);
CREATE INDEX web_sessions_expires_at_idx ON web_sessions (expires_at);

ALTER TABLE chat_sessions ADD COLUMN external_id text;
CREATE UNIQUE INDEX chat_sessions_owner_external_idx
  ON chat_sessions (owner_id, external_id) WHERE external_id IS NOT NULL;

ALTER TABLE companions ADD COLUMN is_default boolean NOT NULL DEFAULT false;
`,
};
