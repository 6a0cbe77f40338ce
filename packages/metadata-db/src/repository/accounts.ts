/**
 * Sign-in state of accounts: browser sessions (stored by the sha256 of the cookie token), API
 * tokens (stored by the sha256 of the token) and external identities (OIDC subject or trusted
 * proxy user → user). Callers hash; this module never sees a raw secret.
 */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { UNIQUE_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import type { ApiToken, Database, User, UserIdentity, WebSession } from '../schema.js';
import { isUuid } from './ids.js';

/** A session or token row together with the user it signs in. */
export interface SignedIn<Row> {
  row: Row;
  user: User;
}

const USER_COLUMNS = [
  'users.id',
  'users.email',
  'users.display_name',
  'users.password_hash',
  'users.role',
  'users.created_at',
  'users.disabled',
  'users.last_login_at',
] as const;

function userOf(row: User): User {
  return {
    id: row.id,
    email: row.email,
    display_name: row.display_name,
    password_hash: row.password_hash,
    role: row.role,
    created_at: row.created_at,
    disabled: row.disabled,
    last_login_at: row.last_login_at,
  };
}

// ---- browser sessions ----

export interface CreateWebSessionInput {
  tokenHash: string;
  userId: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createWebSession(
  db: Kysely<Database>,
  input: CreateWebSessionInput,
): Promise<WebSession> {
  try {
    return await db
      .insertInto('web_sessions')
      .values({
        token_hash: input.tokenHash,
        user_id: input.userId,
        csrf_token: input.csrfToken,
        expires_at: input.expiresAt,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    throw toDatabaseError(error, `creating a browser session for user ${input.userId}`);
  }
}

/** The unexpired session with this token hash, with its user. */
export async function findWebSession(
  db: Kysely<Database>,
  tokenHash: string,
  now = new Date(),
): Promise<SignedIn<WebSession> | undefined> {
  const row = await db
    .selectFrom('web_sessions')
    .innerJoin('users', 'users.id', 'web_sessions.user_id')
    .select([
      ...USER_COLUMNS,
      'web_sessions.token_hash',
      'web_sessions.user_id',
      'web_sessions.csrf_token',
      'web_sessions.created_at as session_created_at',
      'web_sessions.last_seen_at',
      'web_sessions.expires_at',
    ])
    .where('web_sessions.token_hash', '=', tokenHash)
    .where('web_sessions.expires_at', '>', now)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    row: {
      token_hash: row.token_hash,
      user_id: row.user_id,
      csrf_token: row.csrf_token,
      created_at: row.session_created_at,
      last_seen_at: row.last_seen_at,
      expires_at: row.expires_at,
    },
    user: userOf(row),
  };
}

/** Slides a session's expiry forward. */
export async function extendWebSession(
  db: Kysely<Database>,
  tokenHash: string,
  expiresAt: Date,
): Promise<void> {
  await db
    .updateTable('web_sessions')
    .set({ last_seen_at: new Date(), expires_at: expiresAt })
    .where('token_hash', '=', tokenHash)
    .execute();
}

export async function deleteWebSession(db: Kysely<Database>, tokenHash: string): Promise<void> {
  await db.deleteFrom('web_sessions').where('token_hash', '=', tokenHash).execute();
}

/** Signs a user out everywhere, except (optionally) the session with `keepTokenHash`. */
export async function deleteUserWebSessions(
  db: Kysely<Database>,
  userId: string,
  keepTokenHash?: string,
): Promise<void> {
  let query = db.deleteFrom('web_sessions').where('user_id', '=', userId);
  if (keepTokenHash !== undefined) query = query.where('token_hash', '<>', keepTokenHash);
  await query.execute();
}

/** Removes expired sessions; returns how many. */
export async function deleteExpiredWebSessions(
  db: Kysely<Database>,
  now = new Date(),
): Promise<number> {
  const result = await db
    .deleteFrom('web_sessions')
    .where('expires_at', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

// ---- API tokens ----

export interface CreateApiTokenInput {
  userId: string;
  name: string;
  tokenHash: string;
  expiresAt?: Date | null;
}

export async function createApiToken(
  db: Kysely<Database>,
  input: CreateApiTokenInput,
): Promise<ApiToken> {
  try {
    return await db
      .insertInto('api_tokens')
      .values({
        user_id: input.userId,
        name: input.name,
        token_hash: input.tokenHash,
        expires_at: input.expiresAt ?? null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new PlatformError('conflict', 'this API token is stored already', { cause: error });
    }
    throw toDatabaseError(error, `creating API token "${input.name}"`);
  }
}

/** The unexpired token with this hash, with its user. */
export async function findApiTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
  now = new Date(),
): Promise<SignedIn<ApiToken> | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .select([
      ...USER_COLUMNS,
      'api_tokens.id as token_id',
      'api_tokens.user_id',
      'api_tokens.name',
      'api_tokens.token_hash',
      'api_tokens.created_at as token_created_at',
      'api_tokens.last_used_at',
      'api_tokens.expires_at',
    ])
    .where('api_tokens.token_hash', '=', tokenHash)
    .where((eb) =>
      eb.or([eb('api_tokens.expires_at', 'is', null), eb('api_tokens.expires_at', '>', now)]),
    )
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    row: {
      id: row.token_id,
      user_id: row.user_id,
      name: row.name,
      token_hash: row.token_hash,
      created_at: row.token_created_at,
      last_used_at: row.last_used_at,
      expires_at: row.expires_at,
    },
    user: userOf(row),
  };
}

/** Records a token's use, at most once per `everyMs` (one write a minute, not one a request). */
export async function touchApiToken(
  db: Kysely<Database>,
  tokenId: string,
  now = new Date(),
  everyMs = 60_000,
): Promise<void> {
  await db
    .updateTable('api_tokens')
    .set({ last_used_at: now })
    .where('id', '=', tokenId)
    .where((eb) =>
      eb.or([
        eb('last_used_at', 'is', null),
        eb('last_used_at', '<', new Date(now.getTime() - everyMs)),
      ]),
    )
    .execute();
}

/** A user's tokens, newest first. */
export async function listApiTokens(db: Kysely<Database>, userId: string): Promise<ApiToken[]> {
  return db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Revokes one of the user's tokens; `not_found` when the user has no such token. */
export async function deleteApiToken(
  db: Kysely<Database>,
  userId: string,
  tokenId: string,
): Promise<void> {
  const result = isUuid(tokenId)
    ? await db
        .deleteFrom('api_tokens')
        .where('id', '=', tokenId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
    : undefined;
  if (!result || result.numDeletedRows === 0n) {
    throw new PlatformError('not_found', `API token ${tokenId} does not exist`);
  }
}

// ---- external identities ----

/** The user an external identity belongs to. */
export async function findUserByIdentity(
  db: Kysely<Database>,
  provider: string,
  subject: string,
): Promise<User | undefined> {
  const row = await db
    .selectFrom('user_identities')
    .innerJoin('users', 'users.id', 'user_identities.user_id')
    .select([...USER_COLUMNS])
    .where('user_identities.provider', '=', provider)
    .where('user_identities.subject', '=', subject)
    .executeTakeFirst();
  return row && userOf(row);
}

/** Links an external identity to a user; linking the same identity again changes nothing. */
export async function linkIdentity(
  db: Kysely<Database>,
  input: { provider: string; subject: string; userId: string; email?: string | null },
): Promise<UserIdentity> {
  try {
    await db
      .insertInto('user_identities')
      .values({
        provider: input.provider,
        subject: input.subject,
        user_id: input.userId,
        email: input.email ?? null,
      })
      .onConflict((conflict) => conflict.columns(['provider', 'subject']).doNothing())
      .execute();
  } catch (error) {
    throw toDatabaseError(error, `linking ${input.provider} identity to user ${input.userId}`);
  }
  return db
    .selectFrom('user_identities')
    .selectAll()
    .where('provider', '=', input.provider)
    .where('subject', '=', input.subject)
    .executeTakeFirstOrThrow();
}
