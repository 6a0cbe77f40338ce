/**
 * Synthesizer over daswer123/xtts-api-server: `POST /tts_to_audio/` per sentence, or the
 * streamed `GET /tts_stream` (server run with a local model), whose WAV arrives piece by piece
 * and is handed on as it comes. Voices are the server's speaker samples (`GET /speakers_list`).
 */
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { AudioChunk, SynthesizeRequest, Synthesizer } from '../ports/synthesizer.js';
import type { BinaryAnswer } from './http-client.js';
import { pipelineSentences } from './sentence-pipeline.js';
import { splitSentences } from '../audio/sentences.js';
import { clientFor, type RemoteServiceSettings } from './settings.js';
import { readVoiceList } from './voice-list.js';
import { pcmFromWav, tryReadWavHeader, wavFromPcm } from '../audio/wav-header.js';
import { readStreamedWav } from './wav-stream.js';

export interface XttsSynthesizerSettings extends RemoteServiceSettings {
  /** Speaker sample when the request names no voice; default: the first the server lists. */
  speaker?: string | undefined;
  /** Language when the request names none (default `en`). */
  language?: string | undefined;
  /** Use the streamed `GET /tts_stream` instead of `POST /tts_to_audio/` per sentence. */
  streaming?: boolean | undefined;
}

class XttsSynthesizer implements Synthesizer {
  readonly adapter = 'xtts';
  private readonly client;

  constructor(private readonly settings: XttsSynthesizerSettings) {
    this.client = clientFor(
      { ...settings, timeoutMs: settings.timeoutMs ?? 120_000 },
      'text-to-speech (XTTS)',
    );
  }

  get modelName(): string {
    return this.settings.model ?? 'xtts_v2';
  }

  private async speaker(request: SynthesizeRequest): Promise<string> {
    const chosen = request.voice ?? this.settings.speaker;
    if (chosen) return chosen;
    const [first] = await this.listSpeakers(request.signal);
    if (!first)
      throw new PlatformError(
        'invalid_config',
        `${this.client.serviceName} ${this.client.urlFor('/speakers_list')} lists no speakers; ` +
          'put a speaker WAV in the server speakers folder or set the TTS voice',
      );
    return first;
  }

  async *synthesize(request: SynthesizeRequest): AsyncGenerator<AudioChunk> {
    const format = request.format ?? 'wav';
    const speakerWav = await this.speaker(request);
    const language = request.language ?? this.settings.language ?? 'en';
    if (this.settings.streaming) {
      const body = await this.client.stream({
        path: '/tts_stream',
        query: { text: request.text, speaker_wav: speakerWav, language },
        accept: 'audio/wav',
        signal: request.signal,
      });
      const url = this.client.urlFor('/tts_stream');
      for await (const piece of readStreamedWav(body, (what) => this.client.malformed(url, what)))
        yield format === 'pcm'
          ? { audio: piece.pcm, format, sampleRate: piece.sampleRate }
          : {
              audio: wavFromPcm(piece.pcm, piece.sampleRate, piece.channels),
              format,
              sampleRate: piece.sampleRate,
            };
      return;
    }
    const speak = (text: string, signal: AbortSignal) =>
      this.client.bytes({
        path: '/tts_to_audio/',
        json: { text, speaker_wav: speakerWav, language },
        accept: 'audio/wav',
        signal,
      });
    const sentences = splitSentences(request.text);
    for await (const { sentence, answer } of pipelineSentences(sentences, request.signal, speak))
      yield this.toChunk(answer, sentence, format);
  }

  private toChunk(answer: BinaryAnswer, text: string, format: 'wav' | 'pcm'): AudioChunk {
    const header = tryReadWavHeader(answer.bytes);
    if (!header)
      throw this.client.malformed(
        this.client.urlFor('/tts_to_audio/'),
        'answered something other than a WAV file',
      );
    const audio = format === 'pcm' ? pcmFromWav(answer.bytes, header) : answer.bytes;
    return { audio, format, sampleRate: header.sampleRate, text };
  }

  private async listSpeakers(signal?: AbortSignal): Promise<string[]> {
    return readVoiceList(await this.client.json<unknown>({ path: '/speakers_list', signal }));
  }

  voices(): Promise<string[]> {
    return this.listSpeakers();
  }

  async health(): Promise<PortHealth> {
    const probe = await this.client.probe('/speakers_list', this.settings.healthTimeoutMs);
    if (!probe.ok) return { healthy: false, detail: probe.detail };
    const speakers = readVoiceList(probe.body);
    return {
      healthy: true,
      detail: `${this.client.baseUrl} ${this.modelName}, ${speakers.length} speaker(s)`,
    };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A Synthesizer over an xtts-api-server, e.g. `http://xtts:8020`. */
export function createXttsSynthesizer(settings: XttsSynthesizerSettings): Synthesizer {
  return new XttsSynthesizer(settings);
}
