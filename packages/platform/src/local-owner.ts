/**
 * The single local user that owns everything until accounts exist: created on first use.
 */
import type { MetadataDb } from '@homelab-ai/metadata-db';

export const LOCAL_USER_EMAIL = 'local@homelab.local';

export function localOwner(openDb: () => Promise<MetadataDb>): () => Promise<string> {
  let owner: Promise<string> | undefined;
  const resolve = async () => {
    const { createUser, findUserByEmail } = await import('@homelab-ai/metadata-db');
    const { db } = await openDb();
    const existing = await findUserByEmail(db, LOCAL_USER_EMAIL);
    if (existing) return existing.id;
    try {
      return (
        await createUser(db, { email: LOCAL_USER_EMAIL, displayName: 'Local user', role: 'admin' })
      ).id;
    } catch {
      // Another process created it at the same moment.
      const created = await findUserByEmail(db, LOCAL_USER_EMAIL);
      if (!created) throw new Error('could not create the local user');
      return created.id;
    }
  };
  return () => {
    owner ??= resolve();
    owner.catch(() => (owner = undefined));
    return owner;
  };
}
