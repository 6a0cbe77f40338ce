// An instant OpenAI-compatible embeddings server in its own process (hashed 384-dimension
// vectors), so that its work does not run on the platform's event loop during a benchmark.
// Prints its base URL on stdout, then serves until killed.
import { startLoopbackOpenAiEmbeddings } from '@homelab-ai/models/testing';

const server = await startLoopbackOpenAiEmbeddings({ dimensions: 384 });
process.stdout.write(`${server.baseUrl}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
