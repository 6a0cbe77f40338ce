/** `homelab-ai`: run the platform, one role, or ask for health. */
import { Command } from 'commander';
import { registerHealth } from './commands/health.js';
import { registerServe } from './commands/serve.js';
import { registerUp } from './commands/up.js';

const program = new Command()
  .name('homelab-ai')
  .description('Self-hosted AI platform: chat with RAG and companions, voice, pipelines.')
  .version('0.1.0')
  .showHelpAfterError()
  .addHelpText(
    'after',
    '\nConfiguration comes from environment variables (or a file named by HOMELAB_CONFIG); see the README.',
  );
registerUp(program);
registerServe(program);
registerHealth(program);
await program.parseAsync(process.argv);
