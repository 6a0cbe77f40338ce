/** `homelab-ai`: run the platform, one role, ask for health, manage model files, ingest documents. */
import { Command } from 'commander';
import { registerHealth } from './commands/health.js';
import { registerIngest } from './commands/ingest.js';
import { registerModels } from './commands/models.js';
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
registerModels(program);
registerIngest(program);
await program.parseAsync(process.argv);
