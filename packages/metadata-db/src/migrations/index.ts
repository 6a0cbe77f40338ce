/** Every migration of this build, oldest first. Append new ones; never edit a released one. */
import type { Migration } from './migration.js';
import { initialSchema } from './0001-initial-schema.js';
import { accountsAndChat } from './0002-accounts-and-chat.js';

export const MIGRATIONS: readonly Migration[] = [initialSchema, accountsAndChat];

export { migrateMetadataDb, type Migration, type MigrationReport } from './migration.js';
