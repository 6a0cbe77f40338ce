import type { Command } from 'commander';
import { loadConfigOrExit } from './shared.js';

interface HealthBody {
  status: string;
  components: Record<string, { adapter: string; healthy: boolean; detail: string }>;
}

export function registerHealth(program: Command): void {
  program
    .command('health')
    .description(
      'Ask a running platform (or role) for its health; exits 1 when unhealthy or unreachable',
    )
    .option('-u, --url <url>', 'base URL of the platform (default: http://HOST:PORT)')
    .option('--strict', 'also exit 1 when degraded (a port is not ready)')
    .option('--json', 'print the raw JSON')
    .action(async (options: { url?: string; strict?: boolean; json?: boolean }) => {
      const config = loadConfigOrExit();
      const base = options.url ?? `http://${config.http.host}:${config.http.port}`;
      let body: HealthBody;
      try {
        const response = await fetch(new URL('/healthz', base), {
          signal: AbortSignal.timeout(5_000),
        });
        body = (await response.json()) as HealthBody;
      } catch (error) {
        process.stderr.write(
          `homelab-ai: no answer from ${base}/healthz: ${(error as Error).message}\n`,
        );
        process.exit(1);
      }
      if (options.json) process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
      else {
        process.stdout.write(`status: ${body.status}\n`);
        for (const [port, component] of Object.entries(body.components)) {
          process.stdout.write(
            `  ${component.healthy ? 'ok ' : 'NOT'} ${port.padEnd(11)} ${component.adapter.padEnd(10)} ${component.detail}\n`,
          );
        }
      }
      const failed =
        body.status === 'unhealthy' || (options.strict === true && body.status !== 'ok');
      process.exit(failed ? 1 : 0);
    });
}
