/**
 * What admins do to accounts, shared by the JSON API and the /admin/users page: create (with a
 * password), change role / disabled / password / name, delete. The last admin who can sign in
 * can be neither deleted, demoted nor disabled.
 */
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import {
  countActiveAdmins,
  createUser,
  deleteUser,
  deleteUserWebSessions,
  findUserById,
  inTransaction,
  updateUser,
  type User,
} from '@homelab-ai/metadata-db';
import type { AuthRuntime, MetadataDatabase } from './auth-env.js';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, hashPassword } from './password-hash.js';

export const newPassword = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

export const createUserBody = z.object({
  email: z.string().trim().min(3).max(320),
  display_name: z.string().trim().min(1).max(100).optional(),
  password: newPassword,
  role: z.enum(['admin', 'user']).default('user'),
});

export const changeUserBody = z
  .object({
    display_name: z.string().trim().min(1).max(100).optional(),
    role: z.enum(['admin', 'user']).optional(),
    disabled: z.boolean().optional(),
    password: newPassword.optional(),
  })
  .strict();

export function adminUserView(user: User) {
  return {
    id: user.id,
    email: user.email,
    display_name: user.display_name,
    role: user.role,
    disabled: user.disabled,
    has_password: user.password_hash !== null,
    created_at: user.created_at,
    last_login_at: user.last_login_at,
  };
}

async function existingUser(db: MetadataDatabase, userId: string): Promise<User> {
  const user = await findUserById(db, userId);
  if (!user) throw new PlatformError('not_found', `user ${userId} does not exist`);
  return user;
}

/** Refuses a change that would leave nobody able to administer the platform. */
async function keepAnAdmin(db: MetadataDatabase, user: User, what: string): Promise<void> {
  if (user.role !== 'admin' || user.disabled) return;
  if ((await countActiveAdmins(db, { lock: true })) <= 1) {
    throw new PlatformError(
      'conflict',
      `cannot ${what} the last admin: make another user admin first`,
    );
  }
}

export async function createUserByAdmin(
  runtime: AuthRuntime,
  body: z.infer<typeof createUserBody>,
): Promise<User> {
  return createUser(runtime.db, {
    email: body.email,
    displayName: body.display_name ?? body.email.split('@')[0] ?? body.email,
    passwordHash: await hashPassword(body.password),
    role: body.role,
  });
}

export async function changeUserByAdmin(
  runtime: AuthRuntime,
  userId: string,
  body: z.infer<typeof changeUserBody>,
): Promise<User> {
  const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
  return inTransaction(runtime.db, async (trx) => {
    const user = await existingUser(trx, userId);
    if (body.role === 'user') await keepAnAdmin(trx, user, 'demote');
    if (body.disabled === true) await keepAnAdmin(trx, user, 'disable');
    const updated = await updateUser(trx, user.id, {
      ...(body.display_name === undefined ? {} : { displayName: body.display_name }),
      ...(body.role === undefined ? {} : { role: body.role }),
      ...(body.disabled === undefined ? {} : { disabled: body.disabled }),
      ...(passwordHash === undefined ? {} : { passwordHash }),
    });
    // A disabled user or a reset password ends the user's browser sessions.
    if (body.disabled === true || passwordHash !== undefined) {
      await deleteUserWebSessions(trx, user.id);
    }
    return updated;
  });
}

export async function deleteUserByAdmin(runtime: AuthRuntime, userId: string): Promise<void> {
  await inTransaction(runtime.db, async (trx) => {
    const user = await existingUser(trx, userId);
    await keepAnAdmin(trx, user, 'delete');
    await deleteUser(trx, user.id);
  });
}
