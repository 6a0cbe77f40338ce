// Filled in by the metadata-db work: startPostgresServer() for a real Debian PostgreSQL 15.
export {};
