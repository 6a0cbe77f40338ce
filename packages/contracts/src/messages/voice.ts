import { z } from 'zod';
import { bytes, optional, subjectToken, withDefault } from './fields.js';

export const MAX_VOICE_AUDIO_BYTES = 25 * 1024 * 1024;

/** `ai.voice.user.{user_id}.request` and `ai.voice.request` */
export const voiceRequestSchema = z.object({
  request_id: subjectToken,
  user_id: optional(subjectToken),
  audio: bytes
    .refine((audio) => audio.byteLength > 0, 'must not be empty')
    .refine(
      (audio) => audio.byteLength <= MAX_VOICE_AUDIO_BYTES,
      `must be at most ${MAX_VOICE_AUDIO_BYTES} bytes`,
    ),
  format: withDefault(z.enum(['wav', 'pcm16', 'webm', 'ogg', 'mp3', 'flac']), 'wav'),
  sample_rate: withDefault(z.number().int().min(8000).max(192_000), 16_000),
  language: optional(z.string().min(2).max(16)),
  collection: optional(z.string().min(1).max(200)),
  enable_rag: withDefault(z.boolean(), false),
  session_id: optional(subjectToken),
});
export type VoiceRequest = z.output<typeof voiceRequestSchema>;

export const voiceSourceSchema = z.object({
  text: z.string(),
  score: z.number(),
  source: z.string(),
});

/** `ai.voice.response.{request_id}` */
export const voiceResponseSchema = z.object({
  request_id: z.string(),
  transcription: z.string(),
  response: z.string(),
  audio: bytes.optional(),
  sources: z.array(voiceSourceSchema),
  error: z.string().optional(),
  error_type: z.string().optional(),
});
export type VoiceResponse = z.output<typeof voiceResponseSchema>;

/** `ai.voice.stream.{session_id}`: audio in for streaming speech-to-text. */
export const voiceStreamEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    session_id: optional(subjectToken),
    user_id: optional(subjectToken),
    format: withDefault(z.enum(['pcm16', 'wav', 'webm', 'ogg']), 'pcm16'),
    sample_rate: withDefault(z.number().int().min(8000).max(192_000), 16_000),
    language: optional(z.string().min(2).max(16)),
  }),
  z.object({ type: z.literal('chunk'), audio: bytes, sequence: optional(z.number().int().min(0)) }),
  z.object({ type: z.literal('end') }),
]);
export type VoiceStreamEvent = z.output<typeof voiceStreamEventSchema>;

/** `ai.voice.transcription.{session_id}` */
export const transcriptionEventSchema = z.object({
  session_id: z.string(),
  type: z.enum(['partial', 'final', 'barge_in']),
  text: z.string(),
  timestamp: z.number(),
});
export type TranscriptionEvent = z.output<typeof transcriptionEventSchema>;

/** `ai.voice.tts.audio.{session_id}`: audio out, sentence by sentence. */
export const ttsAudioEventSchema = z.object({
  session_id: z.string(),
  sequence: z.number().int(),
  text: z.string(),
  audio: bytes,
  format: z.string(),
  sample_rate: z.number().int(),
  final: z.boolean(),
});
export type TtsAudioEvent = z.output<typeof ttsAudioEventSchema>;
