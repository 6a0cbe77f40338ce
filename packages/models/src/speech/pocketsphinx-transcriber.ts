/**
 * Transcriber on the installed pocketsphinx command (`pocketsphinx_continuous`) and its US
 * English model. Small and fast but inaccurate: a fallback when no whisper model is present.
 * The audio is converted to 16 kHz mono s16 WAV in a temporary file; after each utterance the
 * program prints, the text so far is reported as partial text.
 */
import { access, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { Transcriber, TranscribeRequest, Transcription } from '../ports/transcriber.js';
import { SPEECH_RECOGNITION_SAMPLE_RATE, toRecognitionAudio } from './resample.js';
import { findExecutable, runProcess } from './run-process.js';
import { encodeMonoWav } from './wav.js';

export interface PocketsphinxTranscriberSettings {
  /** Folder with `en-us/` (acoustic model), `en-us.lm.bin` and `cmudict-en-us.dict`. */
  modelDir?: string;
  /** The pocketsphinx_continuous command; default looked up on PATH. */
  binaryPath?: string;
}

const SERVICE = 'pocketsphinx';
const DEFAULT_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';
const INSTALL_HINT = 'install it with `apt-get install pocketsphinx pocketsphinx-en-us`';

class PocketsphinxTranscriber implements Transcriber {
  readonly adapter = 'pocketsphinx';
  readonly modelName = 'pocketsphinx en-us';
  private readonly running = new Set<AbortController>();

  constructor(private readonly settings: PocketsphinxTranscriberSettings) {}

  private get modelFiles() {
    const modelDir = this.settings.modelDir ?? DEFAULT_MODEL_DIR;
    return {
      hmm: join(modelDir, 'en-us'),
      lm: join(modelDir, 'en-us.lm.bin'),
      dict: join(modelDir, 'cmudict-en-us.dict'),
    };
  }

  /** The program's path and model files; throws `model_not_configured` saying what to install. */
  private async locate() {
    const binaryName = this.settings.binaryPath ?? 'pocketsphinx_continuous';
    const binary = await findExecutable(binaryName);
    if (!binary) {
      throw new PlatformError(
        'model_not_configured',
        `pocketsphinx: ${binaryName} is not installed; ${INSTALL_HINT}`,
      );
    }
    const files = this.modelFiles;
    for (const path of Object.values(files)) {
      try {
        await access(path);
      } catch {
        throw new PlatformError(
          'model_not_configured',
          `pocketsphinx: model file ${path} is missing; ${INSTALL_HINT}`,
        );
      }
    }
    return { binary, files };
  }

  async transcribe(request: TranscribeRequest): Promise<Transcription> {
    if (request.language && !request.language.toLowerCase().startsWith('en')) {
      throw new PlatformError(
        'invalid_input',
        `pocketsphinx: only an English model is installed, not ${request.language}; configure whisper for other languages`,
      );
    }
    const { binary, files } = await this.locate();
    const audio = toRecognitionAudio(request.audio, request.format, request.sampleRate);
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    request.signal?.addEventListener('abort', forwardAbort, { once: true });
    if (request.signal?.aborted) controller.abort();
    this.running.add(controller);
    const directory = await mkdtemp(join(tmpdir(), 'homelab-pocketsphinx-'));
    try {
      // The program recognises the file as WAV by its `.wav` suffix and checks the header.
      const input = join(directory, 'input.wav');
      await writeFile(input, encodeMonoWav(audio.samples, SPEECH_RECOGNITION_SAMPLE_RATE));
      const utterances: string[] = [];
      await runProcess({
        command: binary,
        args: [
          '-infile',
          input,
          '-hmm',
          files.hmm,
          '-lm',
          files.lm,
          '-dict',
          files.dict,
          '-logfn',
          '/dev/null',
        ],
        signal: controller.signal,
        service: SERVICE,
        onStdoutLine: (line) => {
          const utterance = line.trim();
          if (!utterance) return;
          utterances.push(utterance);
          request.onPartial?.(utterances.join(' '));
        },
      });
      return { text: utterances.join(' '), language: 'en', durationSeconds: audio.durationSeconds };
    } finally {
      this.running.delete(controller);
      request.signal?.removeEventListener('abort', forwardAbort);
      await rm(directory, { recursive: true, force: true });
    }
  }

  async health(): Promise<PortHealth> {
    try {
      const { binary, files } = await this.locate();
      return { healthy: true, detail: `pocketsphinx ${binary} with model ${files.hmm}` };
    } catch (error) {
      return { healthy: false, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  close(): Promise<void> {
    this.running.forEach((controller) => controller.abort());
    this.running.clear();
    return Promise.resolve();
  }
}

/** A Transcriber on the installed pocketsphinx command (English only). */
export function createPocketsphinxTranscriber(
  settings: PocketsphinxTranscriberSettings = {},
): Transcriber {
  return new PocketsphinxTranscriber(settings);
}
