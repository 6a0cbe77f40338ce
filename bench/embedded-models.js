// Embedded model engines on this machine: espeak-ng and pocketsphinx real-time factors on one
// sentence (processing time ÷ audio length; below 1 is faster than real time), and embedding
// throughput of the embedded llama.cpp engine on the tiny GGUF the tests write.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createEspeakSynthesizer,
  createLlamaCppEmbedder,
  createPocketsphinxTranscriber,
  measureEmbeddingThroughput,
  measureSpeechRealTimeFactors,
  sampleSentences,
} from '@homelab-ai/models';
import { writeTinyLlamaGguf } from '@homelab-ai/testkit';
import { median } from './stats.js';

export async function benchEmbeddedModels() {
  const synthesizer = createEspeakSynthesizer({ voice: 'en-us+klatt', speed: 150 });
  const transcriber = createPocketsphinxTranscriber();
  const speech = [];
  for (let run = 0; run < 3; run++) {
    speech.push(await measureSpeechRealTimeFactors(synthesizer, transcriber));
  }
  const directory = await mkdtemp(join(tmpdir(), 'homelab-bench-embed-'));
  const { path } = await writeTinyLlamaGguf(join(directory, 'embed.gguf'));
  const embedder = createLlamaCppEmbedder({ modelPath: path, threads: 1, gpu: false });
  const throughput = [];
  for (let run = 0; run < 3; run++) {
    throughput.push(
      (await measureEmbeddingThroughput(embedder, sampleSentences(200))).textsPerSecond,
    );
  }
  await embedder.close();
  return {
    'espeak-ng text-to-speech real-time factor': `${median(speech.map((s) => s.synthesisRealTimeFactor)).toFixed(3)} (${median(speech.map((s) => s.audioSeconds)).toFixed(1)} s of audio)`,
    'pocketsphinx speech-to-text real-time factor': `${median(speech.map((s) => s.transcriptionRealTimeFactor)).toFixed(2)} ("${speech[0]?.transcript ?? ''}")`,
    'llama.cpp embeddings, tiny GGUF, 1 thread': `${Math.round(median(throughput))} texts/s`,
  };
}
