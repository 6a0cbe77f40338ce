/**
 * Minimal, dependency-free GGUF v3 writer.
 *
 * File layout (all integers little-endian):
 *   header:       magic "GGUF" (u32) | version=3 (u32) | tensor_count (u64) | kv_count (u64)
 *   metadata:     kv_count x { key: string | value_type: u32 | value }
 *   tensor infos: tensor_count x { name: string | n_dims: u32 | dims: u64[n_dims] | ggml_type: u32 | offset: u64 }
 *   padding:      zero bytes up to a multiple of `general.alignment` (default 32)
 *   tensor data:  each tensor starts at `offset` (relative to the data section), itself aligned
 *
 * A GGUF string is a u64 byte length followed by UTF-8 bytes (no NUL terminator).
 * Tensor dims are listed innermost-first (ggml "ne" order): a row-major matrix with
 * `rows` rows of `cols` contiguous floats is written as dims [cols, rows].
 */
import { writeFile } from 'node:fs/promises';

/** GGUF metadata value type ids (gguf_type). Only the ones this writer emits are listed. */
const GgufType = {
  UINT32: 4,
  INT32: 5,
  FLOAT32: 6,
  BOOL: 7,
  STRING: 8,
  ARRAY: 9,
} as const;

/** ggml tensor type ids (ggml_type). Only F32 is supported here. */
const GGML_TYPE_F32 = 0;

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;
export const GGUF_DEFAULT_ALIGNMENT = 32;

/** A typed metadata value. The tag decides the on-disk encoding. */
export type GgufValue =
  | { readonly type: 'uint32'; readonly value: number }
  | { readonly type: 'int32'; readonly value: number }
  | { readonly type: 'float32'; readonly value: number }
  | { readonly type: 'bool'; readonly value: boolean }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'string[]'; readonly value: readonly string[] }
  | { readonly type: 'float32[]'; readonly value: ArrayLike<number> }
  | { readonly type: 'int32[]'; readonly value: ArrayLike<number> };

/** An F32 tensor: `dims` innermost-first, `data.length` must equal the product of dims. */
export interface GgufTensor {
  readonly name: string;
  readonly dims: readonly number[];
  readonly data: Float32Array;
}

/** Append-only little-endian byte sink that grows as needed. */
class ByteSink {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  length = 0;

  private reserve(n: number): number {
    const need = this.length + n;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
      this.view = new DataView(next.buffer);
    }
    const at = this.length;
    this.length = need;
    return at;
  }

  // Note: reserve() may swap `view`, so it must run before `this.view` is read.
  u8(v: number): void {
    const at = this.reserve(1);
    this.view.setUint8(at, v);
  }
  u32(v: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, v, true);
  }
  i32(v: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, v, true);
  }
  f32(v: number): void {
    const at = this.reserve(4);
    this.view.setFloat32(at, v, true);
  }
  u64(v: number | bigint): void {
    const at = this.reserve(8);
    this.view.setBigUint64(at, BigInt(v), true);
  }
  bytes(b: Uint8Array): void {
    const at = this.reserve(b.length);
    this.buf.set(b, at);
  }

  /** GGUF string: u64 byte length + UTF-8 bytes. */
  str(s: string): void {
    const b = new TextEncoder().encode(s);
    this.u64(b.length);
    this.bytes(b);
  }

  /** Zero-pad up to the next multiple of `alignment`. */
  pad(alignment: number): void {
    const rem = this.length % alignment;
    if (rem !== 0) this.reserve(alignment - rem); // new bytes are already zero
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** Collects metadata and tensors, then serialises them as one GGUF v3 file. */
export class GgufWriter {
  private readonly metadata = new Map<string, GgufValue>();
  private readonly tensors: GgufTensor[] = [];

  /** Add (or replace) one metadata key. Insertion order is preserved in the file. */
  set(key: string, value: GgufValue): this {
    this.metadata.set(key, value);
    return this;
  }

  /** Add an F32 tensor. Throws if the data length does not match the dims. */
  addTensor(name: string, dims: readonly number[], data: Float32Array): this {
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw new Error(
        `tensor ${name}: dims ${dims.join('x')} need ${count} values, got ${data.length}`,
      );
    }
    if (this.tensors.some((t) => t.name === name)) throw new Error(`duplicate tensor ${name}`);
    this.tensors.push({ name, dims: [...dims], data });
    return this;
  }

  /** The alignment in force: `general.alignment` if set (must be a uint32 power of two), else 32. */
  private alignment(): number {
    const a = this.metadata.get('general.alignment');
    if (a === undefined) return GGUF_DEFAULT_ALIGNMENT;
    if (a.type !== 'uint32' || a.value <= 0 || (a.value & (a.value - 1)) !== 0) {
      throw new Error('general.alignment must be a uint32 power of two');
    }
    return a.value;
  }

  /** Serialise everything to bytes. */
  toBytes(): Uint8Array {
    const alignment = this.alignment();
    const out = new ByteSink();

    // Header.
    out.u32(GGUF_MAGIC);
    out.u32(GGUF_VERSION);
    out.u64(this.tensors.length);
    out.u64(this.metadata.size);

    // Metadata key/value pairs.
    for (const [key, value] of this.metadata) {
      out.str(key);
      writeValue(out, value);
    }

    // Tensor infos; offsets are relative to the start of the (aligned) data section.
    let offset = 0;
    const offsets: number[] = [];
    for (const t of this.tensors) {
      offset = alignUp(offset, alignment);
      offsets.push(offset);
      out.str(t.name);
      out.u32(t.dims.length);
      for (const d of t.dims) out.u64(d);
      out.u32(GGML_TYPE_F32);
      out.u64(offset);
      offset += t.data.length * 4;
    }

    // Tensor data, each tensor aligned.
    out.pad(alignment);
    const dataStart = out.length;
    this.tensors.forEach((t, i) => {
      out.pad(alignment);
      if (out.length - dataStart !== offsets[i])
        throw new Error('internal: tensor offset mismatch');
      for (let j = 0; j < t.data.length; j++) out.f32(t.data[j] ?? 0);
    });
    out.pad(alignment);
    return out.result();
  }

  /** Serialise and write to `path`. Returns the number of bytes written. */
  async write(path: string): Promise<number> {
    const bytes = this.toBytes();
    await writeFile(path, bytes);
    return bytes.length;
  }
}

/** Encode one typed metadata value (type id first, then the payload). */
function writeValue(out: ByteSink, v: GgufValue): void {
  switch (v.type) {
    case 'uint32':
      out.u32(GgufType.UINT32);
      out.u32(v.value);
      return;
    case 'int32':
      out.u32(GgufType.INT32);
      out.i32(v.value);
      return;
    case 'float32':
      out.u32(GgufType.FLOAT32);
      out.f32(v.value);
      return;
    case 'bool':
      out.u32(GgufType.BOOL);
      out.u8(v.value ? 1 : 0);
      return;
    case 'string':
      out.u32(GgufType.STRING);
      out.str(v.value);
      return;
    case 'string[]':
      out.u32(GgufType.ARRAY);
      out.u32(GgufType.STRING);
      out.u64(v.value.length);
      for (const s of v.value) out.str(s);
      return;
    case 'float32[]':
      out.u32(GgufType.ARRAY);
      out.u32(GgufType.FLOAT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.f32(v.value[i] ?? 0);
      return;
    case 'int32[]':
      out.u32(GgufType.ARRAY);
      out.u32(GgufType.INT32);
      out.u64(v.value.length);
      for (let i = 0; i < v.value.length; i++) out.i32(v.value[i] ?? 0);
      return;
  }
}
