/** The page shell every app page shares: head, top bar with the user menu, theme switch. */
import { escapeHtml } from '../chat/html.js';
import type { AppUser } from './app-deps.js';

export interface PageShell {
  title: string;
  user: AppUser;
  csrfToken: string;
  canSignOut: boolean;
  /** Extra scripts (names under /static/). */
  scripts?: readonly string[];
  /** What the top bar shows between the title and the user menu. */
  toolbar?: string;
  body: string;
}

export function renderPage(shell: PageShell): string {
  const scripts = ['htmx.min.js', ...(shell.scripts ?? [])]
    .map((name) => `<script src="/static/${name}" defer></script>`)
    .join('\n  ');
  const admin = shell.user.role === 'admin' ? '<li><a href="/admin/users">Users</a></li>' : '';
  const signOut = shell.canSignOut
    ? `<li><form method="post" action="/logout"><input type="hidden" name="_csrf" value="${escapeHtml(shell.csrfToken)}"><button type="submit" class="link">Sign out</button></form></li>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="csrf-token" content="${escapeHtml(shell.csrfToken)}">
  <title>${escapeHtml(shell.title)} — Homelab AI</title>
  <script>document.documentElement.dataset.theme = localStorage.getItem('theme') || '';</script>
  <link rel="stylesheet" href="/static/app.css">
  <link rel="stylesheet" href="/static/code-light.css" media="(prefers-color-scheme: light)">
  <link rel="stylesheet" href="/static/code-dark.css" media="(prefers-color-scheme: dark)">
  ${scripts}
</head>
<body hx-headers='{"X-CSRF-Token": "${escapeHtml(shell.csrfToken)}"}'>
  <a class="skip-link" href="#main">Skip to content</a>
  <header class="topbar">
    <a href="/" class="brand"><h1>Homelab AI</h1></a>
    <nav aria-label="Sections"><ul class="nav">
      <li><a href="/">Chat</a></li>
      <li><a href="/companions">Companions</a></li>
      <li><a href="/library">Library</a></li>
    </ul></nav>
    ${shell.toolbar ?? ''}
    <details class="user-menu">
      <summary aria-label="Account menu">${escapeHtml(shell.user.displayName)}</summary>
      <ul>
        <li class="muted">${escapeHtml(shell.user.email)}</li>
        <li><a href="/account">Account and API tokens</a></li>
        ${admin}
        <li><button type="button" class="link" id="theme-toggle">Switch light/dark</button></li>
        <li><a href="/healthz">Health</a></li>
        ${signOut}
      </ul>
    </details>
  </header>
  ${shell.body}
</body>
</html>`;
}
