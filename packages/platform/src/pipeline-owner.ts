/**
 * Who owns what a pipeline ingests when its trigger names no owner (a bus client's
 * `ai.pipeline.trigger`, a folder import): the first admin. Whichever role gets there first
 * (gateway or pipeline bridge) creates that admin; found once per process.
 */
import type { AuthConfig } from '@homelab-ai/config';
import type { MetadataDb } from '@homelab-ai/metadata-db';

export function pipelineOwner(
  openDb: () => Promise<MetadataDb>,
  auth: AuthConfig,
): () => Promise<string> {
  let owner: Promise<string> | undefined;
  const resolve = async () => {
    const [{ findFirstActiveAdmin }, { ensureBootstrapAdmin }] = await Promise.all([
      import('@homelab-ai/metadata-db'),
      import('@homelab-ai/web'),
    ]);
    const { db } = await openDb();
    let admin = await findFirstActiveAdmin(db);
    if (!admin) {
      await ensureBootstrapAdmin({ db, settings: auth });
      admin = await findFirstActiveAdmin(db);
    }
    if (!admin) throw new Error('no admin account could be created to own the ingestion');
    return admin.id;
  };
  return () => {
    owner ??= resolve();
    owner.catch(() => (owner = undefined));
    return owner;
  };
}
