import type { ComponentHealth } from '@homelab-ai/contracts';

/** `GET /healthz`: overall status and, per port, the adapter in use and its health. */
export interface HealthReport {
  /** `ok`: all ports healthy; `degraded`: the bus works but a port does not; `unhealthy`: the bus is down. */
  status: 'ok' | 'degraded' | 'unhealthy';
  components: Record<string, ComponentHealth>;
}

export type HealthProvider = () => Promise<HealthReport>;

/** Derives the overall status from the components; the bus is what the platform cannot work without. */
export function summarizeHealth(components: Record<string, ComponentHealth>): HealthReport {
  const values = Object.values(components);
  const status =
    components.bus?.healthy === false
      ? 'unhealthy'
      : values.every((component) => component.healthy)
        ? 'ok'
        : 'degraded';
  return { status, components };
}
