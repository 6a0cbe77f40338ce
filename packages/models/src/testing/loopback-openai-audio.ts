/**
 * A loopback OpenAI-compatible audio server, in the manner of Speaches / faster-whisper-server
 * and Kokoro-FastAPI: `POST /v1/audio/transcriptions` (multipart; `json` and `verbose_json`),
 * `POST /v1/audio/speech` (`wav` or `pcm` tone audio as long as the text), optionally
 * `GET /v1/audio/voices`, and `GET /v1/models`. It transcribes nothing: its text reports the
 * audio it measured.
 */
import type { LoopbackExchange, LoopbackHttp } from './loopback-http.js';
import { jsonOf, sendBytes, sendJson, startLoopbackHttp } from './loopback-http.js';
import { speechDurationMs, tonePcm, toneWavFor } from './loopback-content.js';
import { openAiError } from './loopback-openai-embeddings.js';
import { tryReadWavHeader } from '../audio/wav-header.js';

export interface LoopbackOpenAiAudioOptions {
  model?: string;
  apiKey?: string;
  /** Rate of synthesised audio (default 24 000 Hz, as OpenAI's pcm). */
  sampleRate?: number;
  /** Served on `GET /v1/audio/voices` as `{voices}`; without it that route answers 404. */
  voices?: string[];
}

export interface LoopbackUpload {
  fileName: string;
  contentType: string;
  bytes: number;
  fields: Record<string, string>;
}

export interface LoopbackOpenAiAudio extends LoopbackHttp {
  baseUrl: string;
  /** Transcription uploads received, newest last. */
  uploads: LoopbackUpload[];
  /** `input` of each speech request, in arrival order. */
  spokenInputs: string[];
}

async function transcribe(exchange: LoopbackExchange, uploads: LoopbackUpload[]) {
  const { request, response } = exchange;
  const form = await new Response(request.body, {
    headers: { 'content-type': request.headers['content-type'] ?? '' },
  }).formData();
  const file = form.get('file');
  if (!(file instanceof File))
    return sendJson(response, 422, {
      detail: [{ type: 'missing', loc: ['body', 'file'], msg: 'Field required', input: null }],
    });
  const fields: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === 'string') fields[name] = value;
  const bytes = new Uint8Array(await file.arrayBuffer());
  uploads.push({ fileName: file.name, contentType: file.type, bytes: bytes.length, fields });
  const header = tryReadWavHeader(bytes);
  if (!header) return sendJson(response, 400, openAiError(400, 'Invalid file format.'));
  const samples =
    (bytes.length - header.dataOffset) / (header.channels * (header.bitsPerSample / 8));
  const duration = Math.round((samples / header.sampleRate) * 1000) / 1000;
  const text = `loopback heard ${duration.toFixed(2)} seconds of audio`;
  const language = fields.language ?? 'en';
  if (fields.response_format === 'verbose_json')
    return sendJson(response, 200, {
      task: 'transcribe',
      language,
      duration,
      text,
      segments: [{ id: 0, start: 0, end: duration, text }],
      words: null,
    });
  sendJson(response, 200, { text });
}

function speak(exchange: LoopbackExchange, sampleRate: number, spokenInputs: string[]) {
  const { request, response } = exchange;
  const body = jsonOf<{ input?: string; response_format?: string }>(request);
  const input = body.input ?? '';
  if (!input.trim()) return sendJson(response, 400, openAiError(400, "'input' is empty"));
  spokenInputs.push(input);
  const format = body.response_format ?? 'mp3';
  if (format === 'wav') return sendBytes(response, toneWavFor(input, sampleRate), 'audio/wav');
  if (format === 'pcm')
    return sendBytes(response, tonePcm(speechDurationMs(input), sampleRate), 'audio/pcm');
  sendJson(response, 400, openAiError(400, `loopback cannot encode response_format ${format}`));
}

/** Starts a loopback OpenAI-compatible audio server on a free port. */
export async function startLoopbackOpenAiAudio(
  options: LoopbackOpenAiAudioOptions = {},
): Promise<LoopbackOpenAiAudio> {
  const uploads: LoopbackUpload[] = [];
  const spokenInputs: string[] = [];
  const model = options.model ?? 'loopback-whisper';
  const http = await startLoopbackHttp({
    apiKey: options.apiKey,
    errorBody: openAiError,
    route: async (exchange) => {
      const { request, response } = exchange;
      const key = `${request.method} ${request.path}`;
      if (key === 'POST /v1/audio/transcriptions') await transcribe(exchange, uploads);
      else if (key === 'POST /v1/audio/speech')
        speak(exchange, options.sampleRate ?? 24_000, spokenInputs);
      else if (key === 'GET /v1/audio/voices' && options.voices)
        sendJson(response, 200, { voices: options.voices });
      else if (key === 'GET /v1/models')
        sendJson(response, 200, { object: 'list', data: [{ id: model, object: 'model' }] });
      else sendJson(response, 404, { detail: 'Not Found' });
    },
  });
  return Object.assign(http, { baseUrl: `${http.origin}/v1`, uploads, spokenInputs });
}
