import { Argument, type Command } from 'commander';
import { ROLES, type Role } from '@homelab-ai/platform';
import { runRoles } from './run-roles.js';
import { loadConfigOrExit } from './shared.js';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Run one role in this process against a shared NATS (NATS_URL); /healthz and /metrics on PORT',
    )
    .addArgument(new Argument('<role>', 'the service to run').choices(ROLES))
    .option('-p, --port <port>', 'HTTP port (overrides PORT)')
    .option('-H, --host <host>', 'address to listen on (overrides HOST)')
    .action(async (role: Role, options: { port?: string; host?: string }) => {
      const config = loadConfigOrExit(options);
      if (!config.bus.natsUrl) {
        process.stderr.write(
          `homelab-ai: serve ${role} needs a shared bus: set NATS_URL (e.g. nats://127.0.0.1:4222), ` +
            'or run everything in one process with `homelab-ai up`.\n',
        );
        process.exit(2);
      }
      await runRoles(config, [role], `homelab-ai-${role}`);
    });
}
