/** Accounts: create, look up and delete users. */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { UNIQUE_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import type { Database, User, UserRole } from '../schema.js';

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
