// Added latency of each remote model adapter over a raw `fetch` of the same request to the same
// loopback server, interleaved call by call in one run. The servers answer instantly, so the
// difference is the adapter's own cost (request building, validation, retries plumbing).
import {
  createCohereReranker,
  createOpenAiEmbedder,
  createOpenAiSynthesizer,
  createOpenAiTranscriber,
  createTeiEmbedder,
  createTeiReranker,
  createXttsSynthesizer,
} from '@homelab-ai/models';
import {
  startLoopbackOpenAiAudio,
  startLoopbackOpenAiEmbeddings,
  startLoopbackTei,
  startLoopbackXtts,
  toneWavFor,
} from '@homelab-ai/models/testing';
import { onCleanup } from './cleanup.js';
import { summarize, timeInterleaved } from './stats.js';

const json = (url, body) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function drain(iterable) {
  for await (const _ of iterable);
}

export async function benchModelAdapters(count = 1_000) {
  const model = 'loopback-model';
  const embeddings = await startLoopbackOpenAiEmbeddings({ model });
  const tei = await startLoopbackTei();
  const audio = await startLoopbackOpenAiAudio({ model });
  const xtts = await startLoopbackXtts();
  for (const server of [embeddings, tei, audio, xtts]) onCleanup(() => server.close());
  const texts = ['What is the capital of France?'];
  const documents = ['Paris is the capital of France.', 'Berlin is in Germany.', 'Lyon is a city.'];
  const sentence = 'The weather in Paris is sunny today.';
  const wav = toneWavFor('a short question for the transcriber', 16_000);

  const pairs = {
    'embeddings (OpenAI)': [
      createOpenAiEmbedder({ baseUrl: embeddings.baseUrl, model }),
      (embedder) => embedder.embed({ texts }),
      async () => (await json(`${embeddings.baseUrl}/embeddings`, { model, input: texts })).json(),
    ],
    'embeddings (TEI)': [
      createTeiEmbedder({ baseUrl: tei.baseUrl }),
      (embedder) => embedder.embed({ texts }),
      async () => (await json(`${tei.baseUrl}/embed`, { inputs: texts, truncate: true })).json(),
    ],
    'rerank (TEI)': [
      createTeiReranker({ baseUrl: tei.baseUrl }),
      (reranker) => reranker.rerank({ query: texts[0], documents }),
      async () =>
        (
          await json(`${tei.baseUrl}/rerank`, { query: texts[0], texts: documents, truncate: true })
        ).json(),
    ],
    'rerank (Cohere-style)': [
      createCohereReranker({ baseUrl: embeddings.baseUrl, model }),
      (reranker) => reranker.rerank({ query: texts[0], documents }),
      async () =>
        (
          await json(`${embeddings.baseUrl}/rerank`, {
            model,
            query: texts[0],
            documents,
            top_n: documents.length,
          })
        ).json(),
    ],
    'speech-to-text (OpenAI)': [
      createOpenAiTranscriber({ baseUrl: audio.baseUrl, model }),
      (transcriber) => transcriber.transcribe({ audio: wav, format: 'wav' }),
      async () => {
        const form = new FormData();
        form.append('file', new Blob([wav], { type: 'audio/wav' }), 'audio.wav');
        form.append('model', model);
        form.append('response_format', 'json');
        return (
          await fetch(`${audio.baseUrl}/audio/transcriptions`, { method: 'POST', body: form })
        ).json();
      },
    ],
    'text-to-speech (OpenAI)': [
      createOpenAiSynthesizer({ baseUrl: audio.baseUrl, model }),
      (synthesizer) => drain(synthesizer.synthesize({ text: sentence })),
      async () =>
        (
          await json(`${audio.baseUrl}/audio/speech`, {
            model,
            input: sentence,
            voice: 'alloy',
            response_format: 'wav',
          })
        ).arrayBuffer(),
    ],
    'text-to-speech (XTTS)': [
      createXttsSynthesizer({ baseUrl: xtts.baseUrl, speaker: 'female_01' }),
      (synthesizer) => drain(synthesizer.synthesize({ text: sentence })),
      async () =>
        (
          await json(`${xtts.baseUrl}/tts_to_audio/`, {
            text: sentence,
            speaker_wav: 'female_01',
            language: 'en',
          })
        ).arrayBuffer(),
    ],
  };

  const results = {};
  for (const [name, [adapter, ours, raw]] of Object.entries(pairs)) {
    for (let warm = 0; warm < 50; warm++) {
      await ours(adapter);
      await raw();
    }
    const [oursSamples, rawSamples] = await timeInterleaved(
      count,
      () => ours(adapter),
      () => raw(),
    );
    const oursStats = summarize(oursSamples);
    const rawStats = summarize(rawSamples);
    results[name] = {
      ours: oursStats,
      raw: rawStats,
      addedP50Us: oursStats.p50 - rawStats.p50,
    };
    await adapter.close();
  }
  return results;
}
