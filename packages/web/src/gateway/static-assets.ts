/** Serves the browser assets: our CSS/JS and htmx from its npm package, cached in memory. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Hono } from 'hono';

const require = createRequire(import.meta.url);
const publicDir = new URL('../../public/', import.meta.url);
const javascript = 'text/javascript; charset=utf-8';
const stylesheet = 'text/css; charset=utf-8';

const ASSETS: Record<string, { path: string | URL; type: string }> = {
  'app.css': { path: new URL('app.css', publicDir), type: stylesheet },
  'app.js': { path: new URL('app.js', publicDir), type: javascript },
  'uploads.js': { path: new URL('uploads.js', publicDir), type: javascript },
  'marked.js': {
    path: join(dirname(require.resolve('marked')), 'marked.umd.js'),
    type: javascript,
  },
  'purify.js': { path: require.resolve('dompurify/dist/purify.min.js'), type: javascript },
  'highlight.js': {
    path: require.resolve('@highlightjs/cdn-assets/highlight.min.js'),
    type: javascript,
  },
  'code-light.css': {
    path: require.resolve('@highlightjs/cdn-assets/styles/github.min.css'),
    type: stylesheet,
  },
  'code-dark.css': {
    path: require.resolve('@highlightjs/cdn-assets/styles/github-dark.min.css'),
    type: stylesheet,
  },
  'htmx.min.js': {
    path: require.resolve('htmx.org/dist/htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
};

export function addStaticRoutes(app: Hono): void {
  const cache = new Map<string, Buffer>();
  app.get('/static/:name', (context) => {
    const name = context.req.param('name');
    const asset = ASSETS[name];
    if (!asset) return context.notFound();
    let body = cache.get(name);
    if (!body) {
      body = readFileSync(asset.path);
      cache.set(name, body);
    }
    return context.body(new Uint8Array(body), 200, {
      'content-type': asset.type,
      'cache-control': 'public, max-age=300',
    });
  });
}
