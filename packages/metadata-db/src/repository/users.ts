/** Accounts: create, look up and delete users. */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { UNIQUE_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import type { Database, User, UserRole } from '../schema.js';
import { isUuid } from './ids.js';

export interface CreateUserInput {
  email: string;
  displayName: string;
  /** Absent for accounts that only sign in through a token or an external identity. */
  passwordHash?: string | null;
  role?: UserRole;
}

/** Normalized form of an address: addresses differing only in case are one account. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Creates a user; `conflict` if the email is taken. */
export async function createUser(db: Kysely<Database>, input: CreateUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new PlatformError('invalid_input', `email "${input.email}" is not an email address`);
  }
  try {
    return await db
      .insertInto('users')
      .values({
        email,
        display_name: input.displayName,
        password_hash: input.passwordHash ?? null,
        role: input.role ?? 'user',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  } catch (error) {
    if (sqlState(error) === UNIQUE_VIOLATION) {
      throw new PlatformError('conflict', `a user with email "${email}" already exists`, {
        cause: error,
      });
    }
    throw toDatabaseError(error, `creating user "${email}"`);
  }
}

/** The user with this email (any case), if there is one. */
export async function findUserByEmail(
  db: Kysely<Database>,
  email: string,
): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('email', '=', normalizeEmail(email))
    .executeTakeFirst();
}

/** Deletes a user and, by cascade, everything they own; `not_found` if there is no such user. */
export async function deleteUser(db: Kysely<Database>, userId: string): Promise<void> {
  let result;
  try {
    result = await db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
  } catch (error) {
    throw toDatabaseError(error, `deleting user ${userId}`);
  }
  if (result.numDeletedRows === 0n) {
    throw new PlatformError('not_found', `user ${userId} does not exist`);
  }
}

/** The user with this id, if there is one (a malformed id finds nobody). */
export async function findUserById(
  db: Kysely<Database>,
  userId: string,
): Promise<User | undefined> {
  if (!isUuid(userId)) return undefined;
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

/** Every user, oldest first. */
export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return db.selectFrom('users').selectAll().orderBy('created_at').orderBy('email').execute();
}

export interface UpdateUserInput {
  displayName?: string;
  role?: UserRole;
  disabled?: boolean;
  /** A new password hash; null removes the password. */
  passwordHash?: string | null;
}

/** Changes a user; `not_found` if there is no such user. */
export async function updateUser(
  db: Kysely<Database>,
  userId: string,
  input: UpdateUserInput,
): Promise<User> {
  const changes = {
    ...(input.displayName === undefined ? {} : { display_name: input.displayName }),
    ...(input.role === undefined ? {} : { role: input.role }),
    ...(input.disabled === undefined ? {} : { disabled: input.disabled }),
    ...(input.passwordHash === undefined ? {} : { password_hash: input.passwordHash }),
  };
  const user = isUuid(userId)
    ? Object.keys(changes).length === 0
      ? await findUserById(db, userId)
      : await db
          .updateTable('users')
          .set(changes)
          .where('id', '=', userId)
          .returningAll()
          .executeTakeFirst()
    : undefined;
  if (!user) throw new PlatformError('not_found', `user ${userId} does not exist`);
  return user;
}

/** Remembers when a user last signed in. */
export async function recordLogin(db: Kysely<Database>, userId: string): Promise<void> {
  await db
    .updateTable('users')
    .set({ last_login_at: new Date() })
    .where('id', '=', userId)
    .execute();
}

/**
 * How many admins can sign in (not disabled). With `lock` (inside a transaction) their rows stay
 * locked until it ends, so two admins cannot remove each other at the same moment.
 */
export async function countActiveAdmins(
  db: Kysely<Database>,
  options: { lock?: boolean } = {},
): Promise<number> {
  let query = db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', false);
  if (options.lock === true) query = query.forUpdate();
  return (await query.execute()).length;
}

/** The oldest admin who can sign in: the owner in single-user mode. */
export async function findFirstActiveAdmin(db: Kysely<Database>): Promise<User | undefined> {
  return db
    .selectFrom('users')
    .selectAll()
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .orderBy('created_at')
    .limit(1)
    .executeTakeFirst();
}
