/**
 * What every model-service port shares: which adapter serves it, which model, its health and
 * latency metrics, and closing.
 */
import type { PortHealth } from '@homelab-ai/contracts';

export interface ModelService {
  /** e.g. `openai`, `tei`, `cohere`, `xtts`, `llama-cpp`, `espeak-ng`, `pocketsphinx`, `none`. */
  readonly adapter: string;
  /** The model in use, as far as it is known. */
  readonly modelName: string;
  health(): Promise<PortHealth>;
  close(): Promise<void>;
}
