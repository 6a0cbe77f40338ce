/**
 * Just enough RIFF/WAVE to read a header (sample rate, channels, where the samples start) and to
 * wrap raw s16le PCM into a WAV file. Streamed WAVs often carry a size of 0 or 0xFFFFFFFF.
 */

export interface WavHeader {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Byte offset of the first sample. */
  dataOffset: number;
  /** Sample bytes the header declares; undefined when unknown (streamed). */
  dataLength: number | undefined;
}

const ascii = (bytes: Uint8Array, offset: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + 4));

/** Whether the bytes start like a WAV file. */
export function looksLikeWav(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && ascii(bytes, 0) === 'RIFF' && ascii(bytes, 8) === 'WAVE';
}

/**
 * The header of a WAV file, or undefined when `bytes` does not yet hold the whole header (more
 * may arrive) . Throws when the bytes are not a WAV at all.
 */
export function readWavHeader(bytes: Uint8Array): WavHeader | undefined {
  if (bytes.length < 12) return undefined;
  if (!looksLikeWav(bytes)) throw new Error('not a RIFF/WAVE file');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: Omit<WavHeader, 'dataOffset' | 'dataLength'> | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    if (id === 'data') {
      if (!format) throw new Error('WAV data chunk before its fmt chunk');
      const unknown = size === 0 || size === 0xffffffff;
      return { ...format, dataOffset: offset + 8, dataLength: unknown ? undefined : size };
    }
    if (id === 'fmt ') {
      if (offset + 24 > bytes.length) return undefined;
      format = {
        channels: view.getUint16(offset + 10, true),
        sampleRate: view.getUint32(offset + 12, true),
        bitsPerSample: view.getUint16(offset + 22, true),
      };
    }
    offset += 8 + size + (size % 2);
  }
  return undefined;
}

/** A 16-bit PCM WAV file around `pcm`. */
export function wavFromPcm(pcm: Uint8Array, sampleRate: number, channels = 1): Uint8Array {
  const file = new Uint8Array(44 + pcm.length);
  const view = new DataView(file.buffer);
  const writeAscii = (offset: number, text: string) => {
    for (let index = 0; index < text.length; index++) file[offset + index] = text.charCodeAt(index);
  };
  writeAscii(0, 'RIFF');
  view.setUint32(4, 36 + pcm.length, true);
  writeAscii(8, 'WAVE');
  writeAscii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  writeAscii(36, 'data');
  view.setUint32(40, pcm.length, true);
  file.set(pcm, 44);
  return file;
}

/** The header, or undefined when the bytes hold no complete, well-formed one. */
export function tryReadWavHeader(bytes: Uint8Array): WavHeader | undefined {
  try {
    return readWavHeader(bytes);
  } catch {
    return undefined;
  }
}

/** The samples of a WAV file whose header was read, without the header. */
export function pcmFromWav(bytes: Uint8Array, header: WavHeader): Uint8Array {
  const end =
    header.dataLength === undefined
      ? bytes.length
      : Math.min(bytes.length, header.dataOffset + header.dataLength);
  return bytes.subarray(header.dataOffset, end);
}
