export * from './port.js';
export * from './schema.js';
export {
  openMetadataDb,
  createPgliteMetadataDb,
  createPostgresMetadataDb,
  type PgliteMetadataDbSettings,
  type PostgresMetadataDbSettings,
} from './open-metadata-db.js';
export {
  MIGRATIONS,
  migrateMetadataDb,
  type Migration,
  type MigrationReport,
} from './migrations/index.js';
export * from './repository/users.js';
export * from './repository/chat.js';
export * from './repository/chat-exchanges.js';
export * from './repository/documents.js';
export { inTransaction } from './repository/transaction.js';
export { toDatabaseError } from './database-errors.js';
export * from './repository/library.js';
export * from './repository/pipelines.js';
export * from './repository/companions.js';
export * from './repository/conversations.js';
export { isUuid } from './repository/ids.js';
export * from './repository/accounts.js';
