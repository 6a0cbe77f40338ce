/**
 * A loopback daswer123/xtts-api-server: `GET /speakers_list`, `POST /tts_to_audio/` (a whole
 * WAV) and `GET /tts_stream` (a WAV header of unknown length, then samples word by word), with
 * FastAPI `{detail}` error bodies. The stream can be paced piece by piece by the test.
 */
import type { LoopbackExchange, LoopbackHttp } from './loopback-http.js';
import { jsonOf, sendBytes, sendJson, startLoopbackHttp } from './loopback-http.js';
import { speechDurationMs, tonePcm, toneWavFor } from './loopback-content.js';
import { wavFromPcm } from '../audio/wav-header.js';

const SUPPORTED_LANGUAGES = ['en', 'es', 'fr', 'de', 'it', 'pt', 'pl', 'tr', 'ru', 'nl', 'cs'];
const XTTS_SAMPLE_RATE = 24_000;

export interface LoopbackXttsOptions {
  speakers?: string[];
  /**
   * Awaited before every stream piece after the first, so a test can take pieces one at a time
   * and see audio arrive before the server has finished.
   */
  paceStream?: () => Promise<void>;
}

export interface LoopbackXtts extends LoopbackHttp {
  baseUrl: string;
  /** Streams the server wrote to the end. */
  streamsFinished: number;
}

const fastApiError = (_status: number, message: string) => ({ detail: message });

function streamHeader(): Uint8Array {
  // what Python's wave module writes before any frame: sizes still 0
  const header = wavFromPcm(new Uint8Array(0), XTTS_SAMPLE_RATE);
  new DataView(header.buffer).setUint32(4, 0, true);
  return header;
}

async function stream(
  exchange: LoopbackExchange,
  options: LoopbackXttsOptions,
  finished: () => void,
) {
  const { request, response } = exchange;
  const text = request.query.get('text') ?? '';
  const language = request.query.get('language') ?? '';
  if (!SUPPORTED_LANGUAGES.includes(language.toLowerCase()))
    return sendJson(response, 400, {
      detail: 'Language code sent is either unsupported or misspelled.',
    });
  response.writeHead(200, { 'content-type': 'audio/x-wav' });
  response.write(streamHeader());
  const words = text.split(/\s+/).filter(Boolean);
  for (const [index, word] of words.entries()) {
    if (index > 0) await options.paceStream?.();
    if (exchange.clientGone()) return;
    response.write(tonePcm(speechDurationMs(word), XTTS_SAMPLE_RATE));
  }
  response.end();
  finished();
}

function toAudio(exchange: LoopbackExchange, speakers: string[]) {
  const { request, response } = exchange;
  const body = jsonOf<{ text?: string; speaker_wav?: string; language?: string }>(request);
  // the real server wraps every failure, its own 400s included, into a 500 "Error: ..."
  if (!SUPPORTED_LANGUAGES.includes((body.language ?? '').toLowerCase()))
    return sendJson(response, 500, {
      detail: 'Error: 400: Language code sent is either unsupported or misspelled.',
    });
  if (!body.speaker_wav || !speakers.includes(body.speaker_wav))
    return sendJson(response, 500, { detail: `Error: Speaker ${body.speaker_wav} not found` });
  sendBytes(response, toneWavFor(body.text ?? '', XTTS_SAMPLE_RATE), 'audio/wav');
}

/** Starts a loopback XTTS API server on a free port. */
export async function startLoopbackXtts(options: LoopbackXttsOptions = {}): Promise<LoopbackXtts> {
  const speakers = options.speakers ?? ['female_01', 'male_01'];
  const started: { xtts?: LoopbackXtts } = {};
  const http = await startLoopbackHttp({
    errorBody: fastApiError,
    route: async (exchange) => {
      const { request, response } = exchange;
      const key = `${request.method} ${request.path}`;
      if (key === 'GET /speakers_list') sendJson(response, 200, speakers);
      else if (key === 'POST /tts_to_audio/') toAudio(exchange, speakers);
      else if (key === 'GET /tts_stream')
        await stream(exchange, options, () => {
          if (started.xtts) started.xtts.streamsFinished++;
        });
      else sendJson(response, 404, { detail: 'Not Found' });
    },
  });
  started.xtts = Object.assign(http, { baseUrl: http.origin, streamsFinished: 0 });
  return started.xtts;
}
