/** Chunking: parsed sections → token-bounded chunks with heading paths and pages. */
export {
  chunkDocument,
  DEFAULT_MAX_TOKENS,
  DEFAULT_OVERLAP_TOKENS,
  type Chunk,
  type ChunkOptions,
} from './chunk-document.js';
export { approximateTokenCount, type TokenCounter } from './token-count.js';
