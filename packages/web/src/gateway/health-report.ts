import type { ComponentHealth } from '@homelab-ai/contracts';

/** `GET /healthz`: overall status and, per port, the adapter in use and its health. */
export interface HealthReport {
  /**
   * `ok`: all ports healthy (an optional model service nothing is configured for does not count);
   * `degraded`: the bus works but a port does not; `unhealthy`: the bus is down.
   */
  status: 'ok' | 'degraded' | 'unhealthy';
  components: Record<string, ComponentHealth>;
}

export type HealthProvider = () => Promise<HealthReport>;

/** Ports the platform works without (retrieval goes lexical, voice is off): unset is not a fault. */
const OPTIONAL_PORTS = new Set(['embeddings', 'reranker', 'stt', 'tts']);

/** Derives the overall status from the components; the bus is what the platform cannot work without. */
export function summarizeHealth(components: Record<string, ComponentHealth>): HealthReport {
  const values = Object.entries(components)
    .filter(([name, component]) => !(OPTIONAL_PORTS.has(name) && component.adapter === 'none'))
    .map(([, component]) => component);
  const status =
    components.bus?.healthy === false
      ? 'unhealthy'
      : values.every((component) => component.healthy)
        ? 'ok'
        : 'degraded';
  return { status, components };
}
