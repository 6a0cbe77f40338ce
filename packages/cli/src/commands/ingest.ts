/**
 * `homelab-ai ingest <path|url> --collection NAME`: sends files (or a URL) to a running
 * platform's knowledge API, shows the upload's progress, then follows each document until it
 * is indexed or failed.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { loadConfigOrExit } from './shared.js';
import { multipartFileBody } from './multipart-body.js';
import { createIngestProgress } from './ingest-progress.js';

interface IngestOptions {
  collection: string;
  url?: string;
  token?: string;
  wait: boolean;
  timeout: string;
}

interface ApiError {
  error?: { message?: string };
}

/** Where the platform is, and the API token that signs the requests in. */
interface ApiTarget {
  base: string;
  token: string | undefined;
}

async function apiFetch(api: ApiTarget, path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (api.token) headers.set('authorization', `Bearer ${api.token}`);
  const response = await fetch(new URL(path, api.base), { ...init, headers });
  if (response.status === 401) {
    throw new Error(
      `${init.method ?? 'GET'} ${path}: the platform wants an API token: create one under Account (or POST /api/tokens) and pass --token or set HOMELAB_API_TOKEN`,
    );
  }
  if (!response.ok && response.status !== 409) {
    const body = (await response.json().catch(() => ({}))) as ApiError;
    throw new Error(
      `${init.method ?? 'GET'} ${path}: ${body.error?.message ?? response.statusText}`,
    );
  }
  return response;
}

async function filesOf(path: string): Promise<string[]> {
  const info = await stat(path);
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function upload(api: ApiTarget, collection: string, file: string): Promise<string> {
  const size = (await stat(file)).size;
  const progress = createIngestProgress(basename(file), size);
  const { body, contentType, length } = multipartFileBody(
    basename(file),
    createReadStream(file),
    size,
    (sent) => progress.uploaded(sent),
  );
  const response = await apiFetch(
    api,
    `/api/collections/${encodeURIComponent(collection)}/documents`,
    {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': String(length) },
      body,
      duplex: 'half',
    } as RequestInit,
  );
  progress.done('uploaded');
  const accepted = (await response.json()) as { document_id: string };
  return accepted.document_id;
}

async function follow(
  api: ApiTarget,
  documentId: string,
  name: string,
  deadline: number,
): Promise<boolean> {
  for (;;) {
    const response = await apiFetch(api, `/api/documents/${documentId}`);
    const document = (await response.json()) as {
      status: string;
      chunk_count: number;
      error: string | null;
    };
    if (document.status === 'indexed') {
      process.stderr.write(`  ${name}: indexed, ${document.chunk_count} chunks\n`);
      return true;
    }
    if (document.status === 'failed') {
      process.stderr.write(`  ${name}: FAILED: ${document.error ?? 'unknown error'}\n`);
      return false;
    }
    if (Date.now() > deadline) {
      process.stderr.write(`  ${name}: still ${document.status}; not waiting any longer\n`);
      return false;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('Add a file, a folder of files or a URL to a collection of a running platform')
    .argument('<source>', 'file, folder, or http(s) URL')
    .requiredOption('-c, --collection <name>', 'collection to add to (created if missing)')
    .option('-u, --url <url>', 'base URL of the platform (default: http://HOST:PORT)')
    .option('-t, --token <token>', 'API token (default: HOMELAB_API_TOKEN)')
    .option('--no-wait', 'return once uploaded, without waiting for indexing')
    .option('--timeout <seconds>', 'longest wait for indexing', '600')
    .action(async (source: string, options: IngestOptions) => {
      const config = loadConfigOrExit();
      const api: ApiTarget = {
        base: options.url ?? `http://${config.http.host}:${config.http.port}`,
        token: options.token ?? process.env.HOMELAB_API_TOKEN,
      };
      const deadline = Date.now() + Number(options.timeout) * 1000;
      try {
        await apiFetch(api, '/api/collections', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ name: options.collection }),
        });
        if (/^https?:\/\//i.test(source)) {
          const response = await apiFetch(
            api,
            `/api/collections/${encodeURIComponent(options.collection)}/documents`,
            {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ source_url: source }),
            },
          );
          const { run_id } = (await response.json()) as { run_id: string };
          process.stderr.write(`queued ${source} (run ${run_id})\n`);
          process.exit(0);
        }
        const files = await filesOf(source);
        const uploaded: [string, string][] = [];
        for (const file of files)
          uploaded.push([await upload(api, options.collection, file), basename(file)]);
        if (!options.wait) process.exit(0);
        let failures = 0;
        for (const [documentId, name] of uploaded) {
          if (!(await follow(api, documentId, name, deadline))) failures += 1;
        }
        process.exit(failures === 0 ? 0 : 1);
      } catch (error) {
        process.stderr.write(`homelab-ai ingest: ${(error as Error).message}\n`);
        process.exit(1);
      }
    });
}
