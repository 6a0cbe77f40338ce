import type { Command } from 'commander';
import { ROLES } from '@homelab-ai/platform';
import { runRoles } from './run-roles.js';
import { loadConfigOrExit } from './shared.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'Run the whole platform in one process (embedded bus, or NATS when NATS_URL is set)',
    )
    .option('-p, --port <port>', 'HTTP port (overrides PORT)')
    .option('-H, --host <host>', 'address to listen on (overrides HOST)')
    .action(async (options: { port?: string; host?: string }) => {
      const config = loadConfigOrExit(options);
      await runRoles(config, ROLES, 'homelab-ai');
    });
}
