/**
 * Transcriber over an OpenAI-compatible `POST /audio/transcriptions` (faster-whisper-server,
 * Speaches, whisper.cpp server, OpenAI): the audio goes up as multipart/form-data with a file
 * name carrying its format; `verbose_json` answers also give language and duration.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { TranscribeRequest, Transcriber, Transcription } from '../ports/transcriber.js';
import { clientFor, type RemoteServiceSettings } from './settings.js';
import { wavFromPcm } from '../audio/wav-header.js';

export interface OpenAiTranscriberSettings extends RemoteServiceSettings {
  /** `json` (default, every server) or `verbose_json` (adds language and duration). */
  responseFormat?: 'json' | 'verbose_json' | undefined;
}

const MIME_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  mp3: 'audio/mpeg',
  webm: 'audio/webm',
  ogg: 'audio/ogg',
  flac: 'audio/flac',
  m4a: 'audio/mp4',
  mp4: 'audio/mp4',
};

interface TranscriptionAnswer {
  text?: unknown;
  language?: unknown;
  duration?: unknown;
}

class OpenAiTranscriber implements Transcriber {
  readonly adapter = 'openai';
  private readonly client;

  constructor(private readonly settings: OpenAiTranscriberSettings) {
    this.client = clientFor(settings, 'speech-to-text (OpenAI-compatible)');
  }

  get modelName(): string {
    return this.settings.model ?? 'whisper-1';
  }

  /** The upload: raw PCM is wrapped into WAV, since these servers decode containers only. */
  private upload(request: TranscribeRequest): { bytes: Uint8Array; extension: string } {
    const format = (request.format ?? 'wav').toLowerCase();
    if (format === 'pcm_s16le') {
      if (!request.sampleRate)
        throw new PlatformError(
          'invalid_input',
          `${this.client.serviceName}: raw pcm_s16le audio needs its sampleRate`,
        );
      return { bytes: wavFromPcm(request.audio, request.sampleRate), extension: 'wav' };
    }
    if (!/^[a-z0-9]+$/.test(format))
      throw new PlatformError('invalid_input', `unsupported audio format "${format}"`);
    return { bytes: request.audio, extension: format };
  }

  async transcribe(request: TranscribeRequest): Promise<Transcription> {
    const { bytes, extension } = this.upload(request);
    const form = new FormData();
    const type = MIME_TYPES[extension] ?? 'application/octet-stream';
    form.append('file', new Blob([bytes], { type }), `audio.${extension}`);
    form.append('model', this.modelName);
    if (request.language) form.append('language', request.language);
    form.append('response_format', this.settings.responseFormat ?? 'json');
    const answer = await this.client.json<TranscriptionAnswer>({
      path: '/audio/transcriptions',
      form,
      signal: request.signal,
    });
    if (typeof answer.text !== 'string')
      throw this.client.malformed(this.client.urlFor('/audio/transcriptions'), 'answered no text');
    const transcription: Transcription = { text: answer.text.trim() };
    const language = typeof answer.language === 'string' ? answer.language : request.language;
    if (language) transcription.language = language;
    if (typeof answer.duration === 'number') transcription.durationSeconds = answer.duration;
    return transcription;
  }

  async health(): Promise<PortHealth> {
    const probe = await this.client.probe('/models', this.settings.healthTimeoutMs);
    return probe.ok
      ? { healthy: true, detail: `${this.client.baseUrl} model ${this.modelName}` }
      : { healthy: false, detail: probe.detail };
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** A Transcriber over an OpenAI-compatible server; `baseUrl` includes `/v1`. */
export function createOpenAiTranscriber(settings: OpenAiTranscriberSettings): Transcriber {
  return new OpenAiTranscriber(settings);
}
