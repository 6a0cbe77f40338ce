/**
 * Writes a tiny, deterministic, randomly initialised llama-architecture GGUF model (or a Qwen3
 * reranker variant).
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
 *
 * With `reranker: true` the same weights are written as a tiny Qwen3 reranker (see the option).
 */
import { GgufWriter } from './gguf-writer.js';
import { buildVocab, mulberry32 } from './tiny-vocab.js';

export interface TinyLlamaOptions {
  /** PRNG seed; the same seed and options always give a byte-identical file. Default 1. */
  seed?: number;
  /** Hidden size (llama.embedding_length). Must be a multiple of 8 (4 heads, even head size). Default 64. */
  embeddingLength?: number;
  /** Number of transformer blocks. Default 2. */
  blocks?: number;
  /**
   * Write a *reranker* instead: the Qwen3 architecture (llama plus per-head q/k RMS norms) with
   * a two-label ("yes"/"no") classification head `cls.output.weight` and pooling type "rank",
   * the shape of Qwen3-Reranker GGUFs. llama.cpp scores a query/document pair with it.
   */
  reranker?: boolean;
}

export interface TinyLlamaInfo {
  path: string;
  vocabSize: number;
  embeddingLength: number;
  /** File size in bytes. */
  bytes: number;
}

/** llama.cpp's LLAMA_POOLING_TYPE_RANK. */
const POOLING_TYPE_RANK = 4;

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
  const arch = options.reranker ? 'qwen3' : 'llama';
  const w = new GgufWriter();

  // --- general / architecture metadata -------------------------------------------------
  w.set('general.architecture', { type: 'string', value: arch })
    .set('general.name', { type: 'string', value: `tiny-random-${arch}` })
    .set('general.alignment', { type: 'uint32', value: 32 })
    .set('general.file_type', { type: 'uint32', value: 0 }) // 0 = ALL_F32
    .set(`${arch}.context_length`, { type: 'uint32', value: hp.nCtx })
    .set(`${arch}.embedding_length`, { type: 'uint32', value: hp.nEmbd })
    .set(`${arch}.block_count`, { type: 'uint32', value: hp.nBlocks })
    .set(`${arch}.feed_forward_length`, { type: 'uint32', value: hp.nFf })
    .set(`${arch}.attention.head_count`, { type: 'uint32', value: hp.nHead })
    .set(`${arch}.attention.head_count_kv`, { type: 'uint32', value: hp.nHeadKv })
    .set(`${arch}.rope.dimension_count`, { type: 'uint32', value: headDim })
    .set(`${arch}.rope.freq_base`, { type: 'float32', value: 10000 })
    .set(`${arch}.attention.layer_norm_rms_epsilon`, { type: 'float32', value: 1e-5 })
    .set(`${arch}.vocab_size`, { type: 'uint32', value: nVocab });

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
    if (options.reranker) {
      w.addTensor(`${p}attn_q_norm.weight`, [headDim], ones(headDim)).addTensor(
        `${p}attn_k_norm.weight`,
        [headDim],
        ones(headDim),
      );
    }
  }
  w.addTensor('output_norm.weight', [hp.nEmbd], ones(hp.nEmbd));

  // LM head: random rows for text tokens (bias channel weight 0), a strongly negative
  // bias-channel weight for suppressed tokens so they are (practically) never sampled.
  const out = uniform(hp.nEmbd * nVocab, 1.0);
  for (let t = 0; t < nVocab; t++) out[t * hp.nEmbd] = vocab.suppressed[t] ? -20 : 0;
  w.addTensor('output.weight', [hp.nEmbd, nVocab], out);

  if (options.reranker) {
    // Classification head: logits for "yes"/"no" from the last token's hidden state (llama.cpp
    // applies a softmax for Qwen3). Zero weight on the bias channel so the score follows the text.
    const labels = ['yes', 'no'];
    const head = uniform(hp.nEmbd * labels.length, 1.0);
    for (let label = 0; label < labels.length; label++) head[label * hp.nEmbd] = 0;
    w.set(`${arch}.pooling_type`, { type: 'uint32', value: POOLING_TYPE_RANK }).set(
      `${arch}.classifier.output_labels`,
      { type: 'string[]', value: labels },
    );
    w.addTensor('cls.output.weight', [hp.nEmbd, labels.length], head);
  }

  const bytes = await w.write(path);
  return { path, vocabSize: nVocab, embeddingLength: hp.nEmbd, bytes };
}

/** Write a tiny Qwen3-architecture reranker GGUF (see `TinyLlamaOptions.reranker`). */
export function writeTinyRerankerGguf(
  path: string,
  options: Omit<TinyLlamaOptions, 'reranker'> = {},
): Promise<TinyLlamaInfo> {
  return writeTinyLlamaGguf(path, { ...options, reranker: true });
}
