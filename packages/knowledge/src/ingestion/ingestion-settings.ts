/** Limits and permissions of document ingestion, from configuration. */
export interface IngestionSettings {
  /** Largest document accepted, in bytes (default 100 MB). */
  maxDocumentBytes: number;
  /** Let http(s) sources point at loopback or private addresses. */
  allowPrivateUrls: boolean;
  /** Server-side folders that `file://` or path sources may read from. */
  localRoots: readonly string[];
  /** The object store's bucket: `s3://<bucket>/<prefix>` sources list it. */
  bucket: string;
  /** Most files one folder or prefix source may hold. */
  maxSourceFiles: number;
  /** Chunking. */
  chunkTokens: number;
  chunkOverlapTokens: number;
}

export const DEFAULT_INGESTION_SETTINGS: IngestionSettings = {
  maxDocumentBytes: 100 * 1024 * 1024,
  allowPrivateUrls: false,
  localRoots: [],
  bucket: 'homelab-ai',
  maxSourceFiles: 1_000,
  chunkTokens: 256,
  chunkOverlapTokens: 32,
};
