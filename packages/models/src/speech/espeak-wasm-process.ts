/**
 * A separate program that runs the WebAssembly build of espeak-ng (npm `espeak-ng`), used when
 * the `espeak-ng` command is not installed. Licence boundary: that build is GPL-3.0-or-later, so
 * the platform never imports it; it only starts this program as a child process and talks to it
 * over stdin/stdout, exactly as it talks to the espeak-ng command. Keep it that way.
 *
 * Usage: `node espeak-wasm-process.js synthesize <voice> <speed>` (text on stdin, WAV on
 * stdout), `node espeak-wasm-process.js voices` (the `--voices` table on stdout).
 */

interface EspeakFileSystem {
  writeFile(path: string, data: string): void;
  readFile(path: string): Uint8Array;
}

interface EspeakModuleOptions {
  arguments: string[];
  preRun: ((module: { FS: EspeakFileSystem }) => void)[];
  print: (line: string) => void;
  printErr: (line: string) => void;
}

type EspeakModuleFactory = (options: EspeakModuleOptions) => Promise<{ FS: EspeakFileSystem }>;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  const [mode, voice = 'en-us', speed = '175'] = process.argv.slice(2);
  // The specifier is a variable so that the compiler does not resolve (or link) the GPL module.
  const specifier = 'espeak-ng';
  const imported = (await import(specifier)) as { default: EspeakModuleFactory };
  const errors: string[] = [];
  const printErr = (line: string) => errors.push(line);
  if (mode === 'voices') {
    const lines: string[] = [];
    await imported.default({
      arguments: ['--voices'],
      preRun: [],
      print: (line) => lines.push(line),
      printErr,
    });
    process.stdout.write(lines.join('\n') + '\n');
    return;
  }
  if (mode !== 'synthesize') throw new Error(`unknown mode ${mode ?? '(none)'}`);
  const text = await readStdin();
  // Text goes through a file in the in-memory file system, never as an argument: text starting
  // with `-` must be spoken, not parsed as an option.
  const espeak = await imported.default({
    arguments: ['-v', voice, '-s', speed, '-w', '/output.wav', '-f', '/input.txt'],
    preRun: [(module) => module.FS.writeFile('/input.txt', text)],
    print: () => undefined,
    printErr,
  });
  let wav: Uint8Array;
  try {
    wav = espeak.FS.readFile('/output.wav');
  } catch {
    throw new Error(errors.join('\n') || 'espeak-ng wrote no audio');
  }
  process.stdout.write(wav);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
