// A loopback OpenAI-compatible LLM in its own process, with a fixed time to first token, so
// that its work does not run on the platform's event loop during a benchmark. Each streamed
// answer's first token carries how late the server itself was (`stampLateness`). Prints its
// base URL on stdout, then serves until killed. Usage: node loopback-llm-process.js <firstTokenMs>
import { startLoopbackLlm } from '@homelab-ai/testkit';

const firstTokenDelayMs = Number(process.argv[2] ?? 20);
const server = await startLoopbackLlm({ firstTokenDelayMs, tokenDelayMs: 0, stampLateness: true });
process.stdout.write(`${server.baseUrl}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
