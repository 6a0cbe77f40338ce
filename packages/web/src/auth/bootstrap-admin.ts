/**
 * First start: when nobody can administer the platform, create the admin from
 * HOMELAB_ADMIN_EMAIL / HOMELAB_ADMIN_PASSWORD, or with a generated password printed once;
 * and store HOMELAB_BOOTSTRAP_TOKEN, if set, as that admin's API token.
 */
import { PlatformError } from '@homelab-ai/contracts';
import {
  countActiveAdmins,
  createApiToken,
  createUser,
  findUserByEmail,
  updateUser,
  type User,
} from '@homelab-ai/metadata-db';
import type { Logger } from '@homelab-ai/observability';
import type { AuthSettings } from './auth-settings.js';
import { hashPassword } from './password-hash.js';
import { hashToken, randomSecret } from './secrets.js';
import type { MetadataDatabase } from './auth-env.js';

export interface BootstrapAdminDeps {
  db: MetadataDatabase;
  /** `config.auth` (only mode, adminEmail, adminPassword and bootstrapToken are read). */
  settings: Pick<AuthSettings, 'mode' | 'adminEmail' | 'adminPassword' | 'bootstrapToken'>;
  logger?: Logger;
  /** Where the generated password is shown; defaults to stdout. */
  print?: (text: string) => void;
}

export interface BootstrapAdminResult {
  /** Whether this call made an admin (false: there was one already). */
  created: boolean;
  email?: string;
  /** Whether the password was generated (and printed). */
  passwordGenerated?: boolean;
  /** Whether HOMELAB_BOOTSTRAP_TOKEN was stored. */
  tokenStored?: boolean;
}

async function makeAdmin(db: MetadataDatabase, email: string, passwordHash: string | null) {
  const existing = await findUserByEmail(db, email);
  if (existing) {
    // Nobody can administer: the configured admin's account becomes one again.
    return updateUser(db, existing.id, { role: 'admin', disabled: false, passwordHash });
  }
  return createUser(db, { email, displayName: 'Admin', passwordHash, role: 'admin' });
}

/** Ensures an admin exists; safe to call at every start and from several replicas at once. */
export async function ensureBootstrapAdmin(
  deps: BootstrapAdminDeps,
): Promise<BootstrapAdminResult> {
  const { db, settings } = deps;
  if ((await countActiveAdmins(db)) > 0) return { created: false };
  const generate = settings.adminPassword === undefined && settings.mode !== 'none';
  const password = settings.adminPassword ?? (generate ? randomSecret().slice(0, 20) : undefined);
  let admin: User;
  try {
    admin = await makeAdmin(
      db,
      settings.adminEmail,
      password === undefined ? null : await hashPassword(password),
    );
  } catch (error) {
    // Another replica created the admin at the same moment.
    if (error instanceof PlatformError && error.code === 'conflict') return { created: false };
    throw error;
  }
  deps.logger?.info({ email: admin.email }, 'created the first admin account');
  if (generate && password !== undefined) {
    const print = deps.print ?? ((text: string) => process.stdout.write(text));
    print(
      [
        '',
        '================================================================',
        '  Homelab AI: the first admin account was created.',
        `    email:    ${admin.email}`,
        `    password: ${password}`,
        '  This password is shown only now. Sign in and change it under',
        '  Account, or set HOMELAB_ADMIN_PASSWORD before the first start.',
        '================================================================',
        '',
      ].join('\n'),
    );
  }
  let tokenStored = false;
  if (settings.bootstrapToken !== undefined) {
    try {
      await createApiToken(db, {
        userId: admin.id,
        name: 'bootstrap (HOMELAB_BOOTSTRAP_TOKEN)',
        tokenHash: hashToken(settings.bootstrapToken),
      });
      tokenStored = true;
    } catch (error) {
      if (!(error instanceof PlatformError && error.code === 'conflict')) throw error;
    }
  }
  return { created: true, email: admin.email, passwordGenerated: generate, tokenStored };
}
