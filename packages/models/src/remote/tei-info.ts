/**
 * The TEI health probe: `GET /info` names the model the server loaded.
 */
import type { HttpClient } from './http-client.js';

export interface TeiHealth {
  healthy: boolean;
  detail: string;
  modelId?: string;
}

export async function teiHealth(client: HttpClient, timeoutMs?: number): Promise<TeiHealth> {
  const probe = await client.probe('/info', timeoutMs);
  if (!probe.ok) return { healthy: false, detail: probe.detail };
  const modelId = (probe.body as { model_id?: unknown } | null)?.model_id;
  if (typeof modelId !== 'string')
    return { healthy: true, detail: `${client.baseUrl} answers (no model_id in /info)` };
  return { healthy: true, detail: `${client.baseUrl} model ${modelId}`, modelId };
}
