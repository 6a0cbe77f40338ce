/**
 * Writes a tiny, deterministic, randomly initialised llama-architecture GGUF model.
 *
 * The model is useless as a language model but is a *valid* llama.cpp model: it loads,
 * tokenizes (SentencePiece-style "llama" tokenizer with byte fallback), generates text
 * and produces embeddings. Sizes with the defaults (n_embd 64, 2 blocks, ~420 tokens): ~0.5 MB.
 *
 * Trick to keep generated text printable: every token embedding carries a large constant
 * in hidden dimension 0 (a "bias channel") that survives RMS-norm and dominates the final
 * hidden state; `output.weight` has a large negative weight on that channel for tokens we
 * never want sampled (unk/bos/eos and all <0xNN> byte tokens), so their logits are hugely
 * negative and sampling only ever picks printable text tokens. Generation therefore never
 * ends on EOS by itself: callers must pass maxTokens (or an abort signal).
 */
import { GgufWriter } from './gguf-writer.js';

export interface TinyLlamaOptions {
  /** PRNG seed; the same seed and options always give a byte-identical file. Default 1. */
  seed?: number;
  /** Hidden size (llama.embedding_length). Must be a multiple of 8 (4 heads, even head size). Default 64. */
  embeddingLength?: number;
  /** Number of transformer blocks. Default 2. */
  blocks?: number;
}

export interface TinyLlamaInfo {
  path: string;
  vocabSize: number;
  embeddingLength: number;
  /** File size in bytes. */
  bytes: number;
}

/** SentencePiece token types as used by llama.cpp (llama_token_type). */
const TokenType = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, BYTE: 6 } as const;

/** SentencePiece word-boundary marker (U+2581), stands for a leading space. */
const SPACE = '\u2581';

/** mulberry32: tiny deterministic 32-bit PRNG returning floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  /** true for tokens that must never be sampled (specials and byte tokens). */
  suppressed: boolean[];
}

/**
 * Vocabulary: <unk>, <s>, </s>, the 256 byte-fallback tokens <0x00>..<0xFF>, every printable
 * ASCII char, "▁" + every letter, and a few short words together with all their "▁"-prefixes
 * (SentencePiece merges only through tokens that exist, so prefixes make the words reachable).
 * Scores: longer pieces score higher so the tokenizer prefers merging them.
 */
function buildVocab(): Vocab {
  const v: Vocab = { tokens: [], scores: [], types: [], suppressed: [] };
  const seen = new Set<string>();
  const add = (text: string, type: number, score: number, suppressed: boolean): void => {
    if (seen.has(text)) return;
    seen.add(text);
    v.tokens.push(text);
    v.types.push(type);
    v.scores.push(score);
    v.suppressed.push(suppressed);
  };

  add('<unk>', TokenType.UNKNOWN, 0, true);
  add('<s>', TokenType.CONTROL, 0, true);
  add('</s>', TokenType.CONTROL, 0, true);
  for (let b = 0; b < 256; b++) {
    add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.BYTE, 0, true);
  }
  // Single printable ASCII characters ("!".."~") and the space marker.
  add(SPACE, TokenType.NORMAL, -1000, false);
  for (let c = 0x21; c <= 0x7e; c++) add(String.fromCharCode(c), TokenType.NORMAL, -1000, false);
  // Word-initial letters.
  for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ')
    add(SPACE + ch, TokenType.NORMAL, -900, false);
  // A few words plus every prefix of them (after "▁x").
  const words = [
    'the',
    'and',
    'hello',
    'world',
    'tiny',
    'model',
    'llama',
    'test',
    'token',
    'is',
    'of',
    'to',
    'in',
    'it',
    'you',
    'are',
  ];
  for (const w of words) {
    for (let n = 2; n <= w.length; n++)
      add(SPACE + w.slice(0, n), TokenType.NORMAL, -900 + n * 10, false);
  }
  return v;
}

/** Hyper-parameters derived from the options. */
interface Hparams {
  nEmbd: number;
  nBlocks: number;
  nHead: number;
  nHeadKv: number;
  nFf: number;
  nCtx: number;
}

/**
 * Write the model to `path`.
 * Returns the path, vocabulary size and embedding length (= length of embedding vectors).
 */
export async function writeTinyLlamaGguf(
  path: string,
  options: TinyLlamaOptions = {},
): Promise<TinyLlamaInfo> {
  const hp: Hparams = {
    nEmbd: options.embeddingLength ?? 64,
    nBlocks: options.blocks ?? 2,
    nHead: 4,
    nHeadKv: 4,
    nFf: 2 * (options.embeddingLength ?? 64),
    nCtx: 512,
  };
  if (hp.nEmbd % hp.nHead !== 0 || (hp.nEmbd / hp.nHead) % 2 !== 0) {
    throw new Error(
      'embeddingLength must be a multiple of 8 (4 heads with an even head size for RoPE)',
    );
  }
  if (!Number.isInteger(hp.nBlocks) || hp.nBlocks < 1)
    throw new Error('blocks must be a positive integer');

  const rand = mulberry32(options.seed ?? 1);
  /** Uniform random values in [-scale, scale). */
  const uniform = (count: number, scale: number): Float32Array => {
    const a = new Float32Array(count);
    for (let i = 0; i < count; i++) a[i] = (rand() * 2 - 1) * scale;
    return a;
  };
  const ones = (count: number): Float32Array => new Float32Array(count).fill(1);

  const vocab = buildVocab();
  const nVocab = vocab.tokens.length;
  const headDim = hp.nEmbd / hp.nHead;
  const nEmbdKv = headDim * hp.nHeadKv;
  const w = new GgufWriter();

  // --- general / architecture metadata -------------------------------------------------
  w.set('general.architecture', { type: 'string', value: 'llama' })
    .set('general.name', { type: 'string', value: 'tiny-random-llama' })
    .set('general.alignment', { type: 'uint32', value: 32 })
    .set('general.file_type', { type: 'uint32', value: 0 }) // 0 = ALL_F32
    .set('llama.context_length', { type: 'uint32', value: hp.nCtx })
    .set('llama.embedding_length', { type: 'uint32', value: hp.nEmbd })
    .set('llama.block_count', { type: 'uint32', value: hp.nBlocks })
    .set('llama.feed_forward_length', { type: 'uint32', value: hp.nFf })
    .set('llama.attention.head_count', { type: 'uint32', value: hp.nHead })
    .set('llama.attention.head_count_kv', { type: 'uint32', value: hp.nHeadKv })
    .set('llama.rope.dimension_count', { type: 'uint32', value: headDim })
    .set('llama.rope.freq_base', { type: 'float32', value: 10000 })
    .set('llama.attention.layer_norm_rms_epsilon', { type: 'float32', value: 1e-5 })
    .set('llama.vocab_size', { type: 'uint32', value: nVocab });

  // --- tokenizer metadata (SentencePiece / "llama") -----------------------------------
  w.set('tokenizer.ggml.model', { type: 'string', value: 'llama' })
    .set('tokenizer.ggml.tokens', { type: 'string[]', value: vocab.tokens })
    .set('tokenizer.ggml.scores', { type: 'float32[]', value: vocab.scores })
    .set('tokenizer.ggml.token_type', { type: 'int32[]', value: vocab.types })
    .set('tokenizer.ggml.unknown_token_id', { type: 'uint32', value: 0 })
    .set('tokenizer.ggml.bos_token_id', { type: 'uint32', value: 1 })
    .set('tokenizer.ggml.eos_token_id', { type: 'uint32', value: 2 })
    .set('tokenizer.ggml.add_bos_token', { type: 'bool', value: true })
    .set('tokenizer.ggml.add_eos_token', { type: 'bool', value: false });

  // --- tensors (dims innermost-first; a [in, out] weight is `out` rows of `in` floats) --
  // Token embeddings: small random values plus the constant bias channel (dim 0).
  const BIAS = 1.0;
  const tokEmbd = uniform(hp.nEmbd * nVocab, 0.3);
  for (let t = 0; t < nVocab; t++) tokEmbd[t * hp.nEmbd] = BIAS;
  w.addTensor('token_embd.weight', [hp.nEmbd, nVocab], tokEmbd);

  // Small weights keep the residual stream dominated by the bias channel.
  const s = 0.05;
  for (let b = 0; b < hp.nBlocks; b++) {
    const p = `blk.${b}.`;
    w.addTensor(`${p}attn_norm.weight`, [hp.nEmbd], ones(hp.nEmbd))
      .addTensor(`${p}attn_q.weight`, [hp.nEmbd, hp.nEmbd], uniform(hp.nEmbd * hp.nEmbd, s))
      .addTensor(`${p}attn_k.weight`, [hp.nEmbd, nEmbdKv], uniform(hp.nEmbd * nEmbdKv, s))
      .addTensor(`${p}attn_v.weight`, [hp.nEmbd, nEmbdKv], uniform(hp.nEmbd * nEmbdKv, s))
      .addTensor(`${p}attn_output.weight`, [hp.nEmbd, hp.nEmbd], uniform(hp.nEmbd * hp.nEmbd, s))
      .addTensor(`${p}ffn_norm.weight`, [hp.nEmbd], ones(hp.nEmbd))
      .addTensor(`${p}ffn_gate.weight`, [hp.nEmbd, hp.nFf], uniform(hp.nEmbd * hp.nFf, s))
      .addTensor(`${p}ffn_up.weight`, [hp.nEmbd, hp.nFf], uniform(hp.nEmbd * hp.nFf, s))
      .addTensor(`${p}ffn_down.weight`, [hp.nFf, hp.nEmbd], uniform(hp.nFf * hp.nEmbd, s));
  }
  w.addTensor('output_norm.weight', [hp.nEmbd], ones(hp.nEmbd));

  // LM head: random rows for text tokens (bias channel weight 0), a strongly negative
  // bias-channel weight for suppressed tokens so they are (practically) never sampled.
  const out = uniform(hp.nEmbd * nVocab, 1.0);
  for (let t = 0; t < nVocab; t++) out[t * hp.nEmbd] = vocab.suppressed[t] ? -20 : 0;
  w.addTensor('output.weight', [hp.nEmbd, nVocab], out);

  const bytes = await w.write(path);
  return { path, vocabSize: nVocab, embeddingLength: hp.nEmbd, bytes };
}
