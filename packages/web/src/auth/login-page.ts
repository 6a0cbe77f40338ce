/** The server-rendered login page: email/password form and one button per OIDC provider. */
import { escapeHtml } from '../chat/html.js';
import type { AuthSettings } from './auth-settings.js';

export interface LoginPageModel {
  next: string;
  providers: readonly { id: string; name: string }[];
  /** Whether the email/password form is shown (local accounts exist in every mode but none). */
  passwordForm: boolean;
  signupOpen: boolean;
  error?: string;
  email?: string;
}

export function renderLoginPage(model: LoginPageModel): string {
  const next = escapeHtml(model.next);
  const error = model.error
    ? `<p class="error" role="alert" id="login-error">${escapeHtml(model.error)}</p>`
    : '';
  const described = model.error ? ' aria-describedby="login-error"' : '';
  const form = model.passwordForm
    ? `<form method="post" action="/login" class="card" aria-labelledby="login-title">
      <input type="hidden" name="next" value="${next}">
      <label for="login-email">Email
        <input id="login-email" name="email" type="email" autocomplete="username" required value="${escapeHtml(model.email ?? '')}"${described}>
      </label>
      <label for="login-password">Password
        <input id="login-password" name="password" type="password" autocomplete="current-password" required${described}>
      </label>
      <button type="submit">Sign in</button>
    </form>`
    : '';
  const providers = model.providers
    .map(
      (provider) =>
        `<li><a class="button" href="/auth/oidc/${encodeURIComponent(provider.id)}?next=${encodeURIComponent(model.next)}">Sign in with ${escapeHtml(provider.name)}</a></li>`,
    )
    .join('\n        ');
  const providerList = providers
    ? `<nav aria-label="Other ways to sign in" class="card"><ul class="row">${providers}</ul></nav>`
    : '';
  const signup = model.signupOpen
    ? '<p class="muted">No account yet? Ask for one, or create it with <code>POST /signup</code>.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Sign in — Homelab AI</title>
  <link rel="stylesheet" href="/static/app.css">
</head>
<body>
  <main id="main" class="page">
    <h1 id="login-title">Sign in to Homelab AI</h1>
    ${error}
    ${form}
    ${providerList}
    ${signup}
  </main>
</body>
</html>`;
}

/** The login page as the settings shape it, with an optional error. */
export function loginPageFor(
  settings: AuthSettings,
  next: string,
  extra: { error?: string; email?: string } = {},
): string {
  return renderLoginPage({
    next,
    providers: settings.oidcProviders,
    passwordForm: settings.mode !== 'none',
    signupOpen: settings.signup === 'open',
    ...extra,
  });
}
