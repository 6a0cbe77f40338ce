import { createPlatform, startRoles, type Role } from '@homelab-ai/platform';
import type { PlatformConfig } from '@homelab-ai/config';
import { exitWith, stopOnSignals } from './shared.js';

/** Builds the platform, starts the roles, prints where it listens and waits for a signal. */
export async function runRoles(
  config: PlatformConfig,
  roles: readonly Role[],
  name: string,
): Promise<void> {
  const startedAt = performance.now();
  try {
    const platform = await createPlatform(config, { name });
    const running = await startRoles(platform, roles);
    const report = await platform.health();
    const ports = Object.entries(report.components)
      .map(
        ([port, component]) =>
          `${port}: ${component.adapter}${component.healthy ? '' : ' (not ready)'}`,
      )
      .join(', ');
    const elapsed = Math.round(performance.now() - startedAt);
    platform.logger.info({ url: running.url, roles, ms: elapsed }, 'ready');
    process.stdout.write(
      roles.includes('gateway')
        ? `\nHomelab AI is up at ${running.url}  (${ports}; ready in ${elapsed} ms)\n\n`
        : `\n${roles.join(', ')} running; health at ${running.url}/healthz  (${ports})\n\n`,
    );
    for (const [port, component] of Object.entries(report.components)) {
      if (!component.healthy) process.stdout.write(`  ${port}: ${component.detail}\n`);
    }
    stopOnSignals(
      () => running.stop(),
      (message) => platform.logger.info(message),
    );
  } catch (error) {
    exitWith(error);
  }
}
