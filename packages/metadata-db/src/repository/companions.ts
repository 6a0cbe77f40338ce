/** Companions: a user's personas (name, avatar, system prompt, default collection, voice). */
import type { Kysely } from 'kysely';
import { PlatformError } from '@homelab-ai/contracts';
import { UNIQUE_VIOLATION, sqlState, toDatabaseError } from '../database-errors.js';
import type { Companion, Database } from '../schema.js';
import { isUuid } from './ids.js';

/** A companion with the name of its default collection. */
export interface CompanionView extends Companion {
  default_collection_name: string | null;
}

export interface CompanionFields {
  name: string;
  avatar: string | null;
  systemPrompt: string;
  /** Id of one of the owner's collections, or null. */
  defaultCollection: string | null;
  voice: string | null;
  isDefault: boolean;
}

function companionsOf(db: Kysely<Database>, ownerId: string) {
  return db
    .selectFrom('companions')
    .leftJoin('collections', 'collections.id', 'companions.default_collection')
    .selectAll('companions')
    .select('collections.name as default_collection_name')
    .where('companions.owner_id', '=', ownerId);
}

/** The owner's companions, the default first, then by name. */
export async function listCompanions(
  db: Kysely<Database>,
  ownerId: string,
): Promise<CompanionView[]> {
  return companionsOf(db, ownerId)
    .orderBy('companions.is_default', 'desc')
    .orderBy('companions.name')
    .execute();
}

/** One of the owner's companions; `not_found` for anyone else's. */
export async function getCompanion(
  db: Kysely<Database>,
  ownerId: string,
  companionId: string,
): Promise<CompanionView> {
  const companion = isUuid(companionId)
    ? await companionsOf(db, ownerId).where('companions.id', '=', companionId).executeTakeFirst()
    : undefined;
  if (!companion) throw new PlatformError('not_found', `there is no companion ${companionId}`);
  return companion;
}

function companionError(error: unknown, name: string, what: string): PlatformError {
  if (sqlState(error) === UNIQUE_VIOLATION) {
    return new PlatformError('conflict', `a companion named "${name}" already exists`, {
      cause: error,
    });
  }
  return toDatabaseError(error, what);
}

async function clearOtherDefaults(db: Kysely<Database>, ownerId: string, keepId: string) {
  await db
    .updateTable('companions')
    .set({ is_default: false })
    .where('owner_id', '=', ownerId)
    .where('id', '!=', keepId)
    .execute();
}

export async function createCompanion(
  db: Kysely<Database>,
  ownerId: string,
  fields: CompanionFields,
): Promise<CompanionView> {
  try {
    const { id } = await db
      .insertInto('companions')
      .values({
        owner_id: ownerId,
        name: fields.name,
        avatar: fields.avatar,
        system_prompt: fields.systemPrompt,
        default_collection: fields.defaultCollection,
        voice: fields.voice,
        is_default: fields.isDefault,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (fields.isDefault) await clearOtherDefaults(db, ownerId, id);
    return await getCompanion(db, ownerId, id);
  } catch (error) {
    throw companionError(error, fields.name, `creating companion "${fields.name}"`);
  }
}

export async function updateCompanion(
  db: Kysely<Database>,
  ownerId: string,
  companionId: string,
  fields: Partial<CompanionFields>,
): Promise<CompanionView> {
  await getCompanion(db, ownerId, companionId);
  try {
    await db
      .updateTable('companions')
      .set({
        ...(fields.name === undefined ? {} : { name: fields.name }),
        ...(fields.avatar === undefined ? {} : { avatar: fields.avatar }),
        ...(fields.systemPrompt === undefined ? {} : { system_prompt: fields.systemPrompt }),
        ...(fields.defaultCollection === undefined
          ? {}
          : { default_collection: fields.defaultCollection }),
        ...(fields.voice === undefined ? {} : { voice: fields.voice }),
        ...(fields.isDefault === undefined ? {} : { is_default: fields.isDefault }),
        updated_at: new Date(),
      })
      .where('id', '=', companionId)
      .where('owner_id', '=', ownerId)
      .execute();
    if (fields.isDefault) await clearOtherDefaults(db, ownerId, companionId);
    return await getCompanion(db, ownerId, companionId);
  } catch (error) {
    throw companionError(error, fields.name ?? companionId, `updating companion ${companionId}`);
  }
}

export async function deleteCompanion(
  db: Kysely<Database>,
  ownerId: string,
  companionId: string,
): Promise<void> {
  await getCompanion(db, ownerId, companionId);
  await db
    .deleteFrom('companions')
    .where('id', '=', companionId)
    .where('owner_id', '=', ownerId)
    .execute();
}
