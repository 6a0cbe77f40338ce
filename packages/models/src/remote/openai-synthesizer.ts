/**
 * Synthesizer over an OpenAI-compatible `POST /audio/speech` (Speaches, Kokoro-FastAPI,
 * openedai-speech, OpenAI): one request per sentence, the next one already on its way while the
 * current chunk is played, so the first audio arrives early.
 */
import type { PortHealth } from '@homelab-ai/contracts';
import type { AudioChunk, SynthesizeRequest, Synthesizer } from '../ports/synthesizer.js';
import type { BinaryAnswer } from './http-client.js';
import { pipelineSentences } from './sentence-pipeline.js';
import { splitSentences } from '../audio/sentences.js';
import { clientFor, type RemoteServiceSettings } from './settings.js';
import { readVoiceList } from './voice-list.js';
import { looksLikeWav, pcmFromWav, tryReadWavHeader } from '../audio/wav-header.js';

export interface OpenAiSynthesizerSettings extends RemoteServiceSettings {
  /** Voice when the request names none (default `alloy`). */
  voice?: string | undefined;
  /** Sample rate of `pcm` answers (OpenAI documents 24 000 Hz). */
  pcmSampleRate?: number | undefined;
}

/** The voices OpenAI documents; it has no endpoint that lists them. */
export const OPENAI_DEFAULT_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'fable',
  'nova',
  'onyx',
  'sage',
  'shimmer',
  'verse',
] as const;

class OpenAiSynthesizer implements Synthesizer {
  readonly adapter = 'openai';
  private readonly client;
  private voiceList: string[] | undefined;

  constructor(private readonly settings: OpenAiSynthesizerSettings) {
    this.client = clientFor(settings, 'text-to-speech (OpenAI-compatible)');
  }

  get modelName(): string {
    return this.settings.model ?? 'tts-1';
  }

  async *synthesize(request: SynthesizeRequest): AsyncGenerator<AudioChunk> {
    const format = request.format ?? 'wav';
    const sentences = splitSentences(request.text);
    const voice = request.voice ?? this.settings.voice ?? 'alloy';
    const speak = (input: string, signal: AbortSignal) =>
      this.client.bytes({
        path: '/audio/speech',
        json: { model: this.modelName, input, voice, response_format: format },
        signal,
      });
    for await (const { sentence, answer } of pipelineSentences(sentences, request.signal, speak))
      yield this.toChunk(answer, sentence, format);
  }

  private toChunk(answer: BinaryAnswer, text: string, format: 'wav' | 'pcm'): AudioChunk {
    const url = this.client.urlFor('/audio/speech');
    const isWav = looksLikeWav(answer.bytes);
    if (format === 'pcm' && !isWav)
      return {
        audio: answer.bytes,
        format,
        sampleRate: this.settings.pcmSampleRate ?? 24_000,
        text,
      };
    const header = isWav ? tryReadWavHeader(answer.bytes) : undefined;
    if (header && format === 'pcm')
      return {
        audio: pcmFromWav(answer.bytes, header),
        format,
        sampleRate: header.sampleRate,
        text,
      };
    if (!header)
      throw this.client.malformed(
        url,
        `answered ${answer.contentType || 'unknown content'} that is not a WAV file; does the server support response_format=wav?`,
      );
    return { audio: answer.bytes, format, sampleRate: header.sampleRate, text };
  }

  async voices(): Promise<string[]> {
    if (this.voiceList) return this.voiceList;
    const probe = await this.client.probe('/audio/voices', this.settings.healthTimeoutMs);
    const listed = probe.ok ? readVoiceList(probe.body) : [];
    this.voiceList = listed.length > 0 ? listed : [...OPENAI_DEFAULT_VOICES];
    return this.voiceList;
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

/** A Synthesizer over an OpenAI-compatible server; `baseUrl` includes `/v1`. */
export function createOpenAiSynthesizer(settings: OpenAiSynthesizerSettings): Synthesizer {
  return new OpenAiSynthesizer(settings);
}
