/**
 * The catalogue of recommended model files: what each is for, which variable points at it, and
 * where to fetch it (a pinned Hugging Face revision) with the size and sha256 it must have.
 *
 * Sizes and checksums come from the files' Hugging Face LFS pointers (`oid sha256:` and `size`),
 * cross-checked in at least two public sources. Where none could be found the value is left out
 * and the downloader verifies against the checksum the server declares (`X-Linked-Etag`).
 */
import { PlatformError } from '@homelab-ai/contracts';

export type ModelKind = 'llm' | 'embedding' | 'reranker' | 'stt';

/** The configuration variable that makes the platform use a model of each kind. */
export const MODEL_PATH_VARIABLES = {
  llm: 'LLM_MODEL_PATH',
  embedding: 'EMBEDDINGS_MODEL_PATH',
  reranker: 'RERANKER_MODEL_PATH',
  stt: 'WHISPER_MODEL_PATH',
} as const satisfies Record<ModelKind, string>;

export interface CatalogueEntry {
  /** Stable name used on the command line, e.g. `qwen2.5-1.5b-instruct-q4`. */
  id: string;
  kind: ModelKind;
  description: string;
  /** Hugging Face repository, e.g. `Qwen/Qwen2.5-1.5B-Instruct-GGUF`. */
  repo: string;
  /** Commit (or branch) the checksum belongs to. */
  revision: string;
  /** File name in the repository, and the name it is saved under in HOMELAB_MODELS_DIR. */
  file: string;
  /** Exact size in bytes, when known. */
  sizeBytes?: number;
  /** Lower-case hex sha256 of the file, when known. */
  sha256?: string;
  licence: string;
}

/** The public host the catalogue's URLs point at; HOMELAB_MODELS_MIRROR replaces it. */
export const HUGGING_FACE_HOST = 'https://huggingface.co';

export const CATALOGUE: readonly CatalogueEntry[] = [
  {
    id: 'qwen2.5-1.5b-instruct-q4',
    kind: 'llm',
    description: 'Qwen2.5 1.5B Instruct, Q4_K_M: small, fast chat model for CPUs',
    repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF',
    revision: '91cad51170dc346986eccefdc2dd33a9da36ead9',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    sizeBytes: 1_117_320_736,
    sha256: '6a1a2eb6d15622bf3c96857206351ba97e1af16c30d7a74ee38970e434e9407e',
    licence: 'Apache-2.0',
  },
  {
    id: 'llama-3.2-1b-instruct-q4',
    kind: 'llm',
    description: 'Llama 3.2 1B Instruct, Q4_K_M (bartowski): smallest chat model',
    repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF',
    revision: '067b946cf014b7c697f3654f621d577a3e3afd1c',
    file: 'Llama-3.2-1B-Instruct-Q4_K_M.gguf',
    sizeBytes: 807_694_464,
    sha256: '6f85a640a97cf2bf5b8e764087b1e83da0fdb51d7c9fab7d0fece9385611df83',
    licence: 'Llama 3.2 Community License',
  },
  {
    id: 'bge-small-en-v1.5',
    kind: 'embedding',
    description: 'BGE small English v1.5, Q8_0: 384-dimension embeddings for RAG',
    repo: 'CompendiumLabs/bge-small-en-v1.5-gguf',
    revision: 'd32f8c040ea3b516330eeb75b72bcc2d3a780ab7',
    file: 'bge-small-en-v1.5-q8_0.gguf',
    sizeBytes: 36_806_944,
    sha256: 'ec38e8da142596baa913124ae50550de284b6916bf59577ef2f0cb9660c2f514',
    licence: 'MIT',
  },
  {
    id: 'bge-base-en-v1.5',
    kind: 'embedding',
    description: 'BGE base English v1.5, Q8_0: 768-dimension embeddings, better recall',
    repo: 'CompendiumLabs/bge-base-en-v1.5-gguf',
    revision: 'main',
    file: 'bge-base-en-v1.5-q8_0.gguf',
    sizeBytes: 117_974_304,
    sha256: 'ad1afe72cd6654a558667a3db10878b049a75bfd72912e1dabb91310d671173c',
    licence: 'MIT',
  },
  {
    id: 'bge-reranker-v2-m3',
    kind: 'reranker',
    description: 'BGE reranker v2 m3, Q8_0: multilingual cross-encoder reranker',
    repo: 'gpustack/bge-reranker-v2-m3-GGUF',
    revision: '3093af03b1a635e67b084b1d8c03c5f5e020fd05',
    file: 'bge-reranker-v2-m3-Q8_0.gguf',
    sizeBytes: 635_676_416,
    sha256: 'a43c7c9b11a4c1517e5bf95151960e1621d1b72f7a493364b01e386cf1aaa1d3',
    licence: 'Apache-2.0',
  },
  {
    id: 'whisper-base',
    kind: 'stt',
    description: 'Whisper base (whisper.cpp ggml): multilingual speech-to-text',
    repo: 'ggerganov/whisper.cpp',
    revision: '5359861c739e955e79d9a303bcbc70fb988958b1',
    file: 'ggml-base.bin',
    sizeBytes: 147_951_465,
    sha256: '60ed5bc3dd14eea856493d334349b405782ddcaf0028d4b5df4088345fba2efe',
    licence: 'MIT',
  },
  {
    id: 'whisper-base.en',
    kind: 'stt',
    description: 'Whisper base.en (whisper.cpp ggml): English-only speech-to-text',
    repo: 'ggerganov/whisper.cpp',
    revision: '5359861c739e955e79d9a303bcbc70fb988958b1',
    file: 'ggml-base.en.bin',
    sizeBytes: 147_964_211,
    sha256: 'a03779c86df3323075f5e796cb2ce5029f00ec8869eee3fdfb897afe36c6d002',
    licence: 'MIT',
  },
];

/** The entry with this id, or undefined. */
export function findCatalogueEntry(id: string): CatalogueEntry | undefined {
  return CATALOGUE.find((entry) => entry.id === id);
}

/** The entry with this id; throws not_found listing the ids that exist. */
export function getCatalogueEntry(id: string): CatalogueEntry {
  const entry = findCatalogueEntry(id);
  if (entry) return entry;
  throw new PlatformError(
    'not_found',
    `models: no catalogue entry "${id}"; known ids: ${CATALOGUE.map((known) => known.id).join(', ')}`,
  );
}

/** The variable that makes the platform use this entry, e.g. `LLM_MODEL_PATH`. */
export function modelPathVariable(entry: Pick<CatalogueEntry, 'kind'>): string {
  return MODEL_PATH_VARIABLES[entry.kind];
}

/**
 * The download URL: `<host>/<repo>/resolve/<revision>/<file>`. `mirror` replaces
 * https://huggingface.co (a base URL; a path prefix such as `http://host/hf` is kept).
 */
export function catalogueUrl(entry: CatalogueEntry, mirror?: string): string {
  const host = (mirror ?? HUGGING_FACE_HOST).replace(/\/+$/, '');
  const file = entry.file.split('/').map(encodeURIComponent).join('/');
  return `${host}/${entry.repo}/resolve/${encodeURIComponent(entry.revision)}/${file}`;
}
