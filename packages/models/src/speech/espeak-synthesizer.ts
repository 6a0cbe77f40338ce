/**
 * Synthesizer on espeak-ng: the installed `espeak-ng` command when there is one, else the
 * WebAssembly build from npm run as a separate child program (see `espeak-wasm-process.ts` for
 * why it stays separate). One process per sentence, one WAV (or PCM) chunk per sentence.
 */
import { fileURLToPath } from 'node:url';
import type { PortHealth } from '@homelab-ai/contracts';
import { PlatformError } from '@homelab-ai/contracts';
import type { AudioChunk, SynthesizeRequest, Synthesizer } from '../ports/synthesizer.js';
import { findExecutable, runProcess } from './run-process.js';
import { splitSentences } from '../audio/sentences.js';
import { decodeWav, encodeMonoWav, floatToPcm16, mixToMono } from './wav.js';

export interface EspeakSynthesizerSettings {
  /** espeak-ng voice (`espeak-ng --voices`), default `en-us`. */
  voice?: string;
  /** Words per minute, default 175. */
  speed?: number;
  /** The espeak-ng command; default `espeak-ng` on PATH. */
  cliPath?: string;
}

type EspeakEngine = { kind: 'cli'; path: string; version: string } | { kind: 'wasm' };

const SERVICE = 'espeak-ng';
const WASM_PROCESS = fileURLToPath(new URL('./espeak-wasm-process.js', import.meta.url));
// Voice names are letters, digits and `-+_/` (e.g. `en-us`, `en-us+f3`, `roa/fr`): never an option.
const VOICE_NAME = /^[\p{L}\p{N}][\p{L}\p{N}_+\-/]*$/u;

const NOTHING_INSTALLED =
  'espeak-ng: neither the espeak-ng command nor its npm WebAssembly build is installed; install ' +
  'the command with `apt-get install espeak-ng`';

/** Whether the npm WebAssembly build can be found (located only: running it takes a second). */
function wasmBuildInstalled(): boolean {
  try {
    import.meta.resolve('espeak-ng');
    return true;
  } catch {
    return false;
  }
}

async function detectEngine(cliPath: string): Promise<EspeakEngine> {
  const path = await findExecutable(cliPath);
  if (!path) return { kind: 'wasm' };
  try {
    const { stdout } = await runProcess({ command: path, args: ['--version'], service: SERVICE });
    // `eSpeak NG text-to-speech: 1.51  Data at: /usr/lib/...`: keep the part before the data path.
    const version = stdout.toString('utf8').split(/\s{2,}|\n/u)[0] ?? '';
    return { kind: 'cli', path, version };
  } catch {
    return { kind: 'wasm' };
  }
}

class EspeakSynthesizer implements Synthesizer {
  readonly adapter = 'espeak-ng';
  private engine: Promise<EspeakEngine> | undefined;
  private readonly running = new Set<AbortController>();

  constructor(private readonly settings: EspeakSynthesizerSettings) {}

  get modelName(): string {
    return `espeak-ng ${this.settings.voice ?? 'en-us'}`;
  }

  private detect(): Promise<EspeakEngine> {
    this.engine ??= detectEngine(this.settings.cliPath ?? 'espeak-ng');
    return this.engine;
  }

  /** Runs espeak-ng (CLI or WASM program) with `args`, returning its stdout. */
  private async run(args: { cli: string[]; wasm: string[] }, text: string, signal: AbortSignal) {
    const engine = await this.detect();
    if (engine.kind === 'wasm' && !wasmBuildInstalled()) {
      throw new PlatformError('model_not_configured', NOTHING_INSTALLED);
    }
    const command = engine.kind === 'cli' ? engine.path : process.execPath;
    const commandArgs = engine.kind === 'cli' ? args.cli : [WASM_PROCESS, ...args.wasm];
    const { stdout } = await runProcess({
      command,
      args: commandArgs,
      stdin: text,
      signal,
      service: SERVICE,
    });
    return stdout;
  }

  private voiceFor(request: SynthesizeRequest): string {
    const configured = this.settings.voice ?? 'en-us';
    const language = request.language?.toLowerCase();
    // A language hint picks espeak's voice for it, unless the configured voice already speaks it.
    const voice =
      request.voice ?? (language && !configured.startsWith(language) ? language : configured);
    if (!VOICE_NAME.test(voice)) {
      throw new PlatformError(
        'invalid_input',
        `espeak-ng: ${JSON.stringify(voice)} is not a voice name`,
      );
    }
    return voice;
  }

  async *synthesize(request: SynthesizeRequest): AsyncIterable<AudioChunk> {
    const voice = this.voiceFor(request);
    const speed = String(Math.round(this.settings.speed ?? 175));
    const format = request.format ?? 'wav';
    // One controller per call: the request's signal, close() and an abandoned iteration all kill it.
    const controller = new AbortController();
    const forwardAbort = () => controller.abort();
    request.signal?.addEventListener('abort', forwardAbort, { once: true });
    if (request.signal?.aborted) controller.abort();
    this.running.add(controller);
    try {
      for (const sentence of splitSentences(request.text)) {
        const args = {
          cli: ['--stdout', '-v', voice, '-s', speed],
          wasm: ['synthesize', voice, speed],
        };
        const wav = await this.run(args, sentence, controller.signal).catch((error: unknown) => {
          throw explainFailure(error, voice);
        });
        const decoded = decodeWav(wav);
        const samples = mixToMono(decoded.channels);
        yield {
          audio:
            format === 'pcm' ? floatToPcm16(samples) : encodeMonoWav(samples, decoded.sampleRate),
          format,
          sampleRate: decoded.sampleRate,
          text: sentence,
        };
      }
    } finally {
      controller.abort();
      this.running.delete(controller);
      request.signal?.removeEventListener('abort', forwardAbort);
    }
  }

  async voices(): Promise<string[]> {
    const table = await this.run(
      { cli: ['--voices'], wasm: ['voices'] },
      '',
      new AbortController().signal,
    );
    return parseVoiceTable(table.toString('utf8'));
  }

  async health(): Promise<PortHealth> {
    const engine = await this.detect();
    if (engine.kind === 'cli') {
      return { healthy: true, detail: `espeak-ng command ${engine.path} (${engine.version})` };
    }
    return wasmBuildInstalled()
      ? { healthy: true, detail: 'espeak-ng WebAssembly build (npm espeak-ng) in a child process' }
      : { healthy: false, detail: NOTHING_INSTALLED };
  }

  close(): Promise<void> {
    this.running.forEach((controller) => controller.abort());
    this.running.clear();
    return Promise.resolve();
  }
}

function explainFailure(error: unknown, voice: string): unknown {
  if (error instanceof PlatformError && /voice does not exist/i.test(error.message)) {
    return new PlatformError(
      'invalid_input',
      `espeak-ng has no voice ${JSON.stringify(voice)}; see \`espeak-ng --voices\``,
      { cause: error },
    );
  }
  return error;
}

/** The voice names (the `Language` column) of an `espeak-ng --voices` table. */
function parseVoiceTable(table: string): string[] {
  const voices = table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/u)[1])
    .filter((voice): voice is string => Boolean(voice));
  return [...new Set(voices)];
}

/** A Synthesizer on espeak-ng: the installed command, or its WebAssembly build as a fallback. */
export function createEspeakSynthesizer(settings: EspeakSynthesizerSettings = {}): Synthesizer {
  return new EspeakSynthesizer(settings);
}
