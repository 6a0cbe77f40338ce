/** Text-to-speech of a final answer (`enable_tts`): one WAV file in the response's `audio`. */
import { decodeWav, encodeMonoWav, mixToMono, type Synthesizer } from '@homelab-ai/models';

/** Speaks `text` and joins the synthesizer's chunks into one mono WAV. */
export async function speakAnswer(
  synthesizer: Synthesizer,
  text: string,
  voice: string | undefined,
): Promise<Uint8Array> {
  const parts: Float32Array[] = [];
  let sampleRate = 0;
  for await (const chunk of synthesizer.synthesize({
    text,
    format: 'wav',
    ...(voice ? { voice } : {}),
  })) {
    const decoded = decodeWav(chunk.audio);
    sampleRate ||= decoded.sampleRate;
    parts.push(mixToMono(decoded.channels));
  }
  const samples = new Float32Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    samples.set(part, offset);
    offset += part.length;
  }
  return encodeMonoWav(samples, sampleRate || 16_000);
}
