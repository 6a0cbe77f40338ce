#!/usr/bin/env node
// Entry point of the `homelab-ai` command; the code lives in ../dist (built by `npm ci`/`npm run build`).
import('../dist/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    console.error('homelab-ai is not built yet: run `npm run build` in the repository root.');
    process.exit(2);
  }
  throw error;
});
