/**
 * The /account page (server-rendered forms, no script needed): profile, password change and
 * API tokens — a new token is shown once, right after it is created.
 */
import type { Context, Hono } from 'hono';
import { toPlatformError } from '@homelab-ai/contracts';
import {
  deleteApiToken,
  deleteUserWebSessions,
  listApiTokens,
  type ApiToken,
} from '@homelab-ai/metadata-db';
import { renderPage } from '../app/layout.js';
import { escapeHtml } from '../chat/html.js';
import {
  changeOwnPassword,
  createTokenBody,
  issueApiToken,
  passwordBody,
} from './account-routes.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { requireUser } from './require-user.js';

interface AccountNotice {
  error?: string;
  message?: string;
  newToken?: string;
}

function tokenRow(token: ApiToken, csrf: string): string {
  const when = (date: Date | null) =>
    date ? escapeHtml(date.toISOString().slice(0, 16).replace('T', ' ')) : '—';
  return `<tr>
      <td>${escapeHtml(token.name)}</td><td>${when(token.created_at)}</td><td>${when(token.last_used_at)}</td><td>${token.expires_at ? when(token.expires_at) : 'never'}</td>
      <td><form method="post" action="/account/tokens/${escapeHtml(token.id)}/delete">
        <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
        <button type="submit" class="danger" aria-label="Revoke token ${escapeHtml(token.name)}">Revoke</button>
      </form></td>
    </tr>`;
}

export function renderAccountBody(view: {
  email: string;
  displayName: string;
  role: string;
  csrf: string;
  passwordForm: boolean;
  tokens: readonly ApiToken[];
  notice: AccountNotice;
}): string {
  const csrf = escapeHtml(view.csrf);
  const notice = view.notice.error
    ? `<div class="error" role="alert">${escapeHtml(view.notice.error)}</div>`
    : view.notice.message
      ? `<p role="status">${escapeHtml(view.notice.message)}</p>`
      : '';
  const created = view.notice.newToken
    ? `<div class="card" role="status"><p>Your new token — copy it now, it is not shown again:</p>
        <label for="new-token">New API token<input id="new-token" readonly value="${escapeHtml(view.notice.newToken)}"></label></div>`
    : '';
  const rows = view.tokens.map((token) => tokenRow(token, view.csrf)).join('\n');
  const password = view.passwordForm
    ? `<h3>Password</h3>
  <form method="post" action="/account/password" class="card">
    <input type="hidden" name="_csrf" value="${csrf}">
    <label for="current-password">Current password<input id="current-password" name="current_password" type="password" autocomplete="current-password"></label>
    <label for="new-password">New password (at least 8 characters)<input id="new-password" name="new_password" type="password" autocomplete="new-password" minlength="8" required></label>
    <div><button type="submit">Change password</button></div>
  </form>`
    : '';
  return `<main id="main" class="page">
  <h2>Account</h2>
  ${notice}
  <p>${escapeHtml(view.displayName)} · ${escapeHtml(view.email)} · ${escapeHtml(view.role)}</p>
  ${password}
  <h3>API tokens</h3>
  <p class="muted">For scripts and the OpenAI-compatible API: send <code>Authorization: Bearer &lt;token&gt;</code>.</p>
  ${created}
  ${rows ? `<table><thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Expires</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table>` : '<p class="muted">No tokens yet.</p>'}
  <form method="post" action="/account/tokens" class="card">
    <input type="hidden" name="_csrf" value="${csrf}">
    <div class="row">
      <label for="token-name" class="grow">Token name<input id="token-name" name="name" required maxlength="100"></label>
      <label for="token-days">Expires in days (empty: never)<input id="token-days" name="expires_in_days" type="number" min="1" max="3650"></label>
      <button type="submit">Create token</button>
    </div>
  </form>
</main>`;
}

export function addAccountPage(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  async function render(context: Context<AuthEnv>, notice: AccountNotice, status: 200 | 400 = 200) {
    const principal = context.var.principal;
    const csrf = context.var.session?.csrfToken ?? '';
    const body = renderAccountBody({
      email: principal.email,
      displayName: principal.displayName,
      role: principal.role,
      csrf,
      passwordForm: runtime.settings.mode !== 'none',
      tokens: await listApiTokens(runtime.db, principal.userId),
      notice,
    });
    return context.html(
      renderPage({
        title: 'Account',
        user: principal,
        csrfToken: csrf,
        canSignOut: principal.via === 'session',
        body,
      }),
      status,
    );
  }
  const form = async (context: Context<AuthEnv>) => {
    const values = await context.req.parseBody();
    return Object.fromEntries(
      Object.entries(values).filter(([, value]) => typeof value === 'string' && value !== ''),
    ) as Record<string, string>;
  };

  app.get('/account', requireUser(), (context) => render(context, {}));

  app.post('/account/tokens', requireUser(), async (context) => {
    const values = await form(context);
    const parsed = createTokenBody.safeParse({
      name: values.name,
      ...(values.expires_in_days ? { expires_in_days: Number(values.expires_in_days) } : {}),
    });
    if (!parsed.success)
      return render(context, { error: 'Give the token a name (and whole days, if any).' }, 400);
    const { token } = await issueApiToken(
      runtime,
      context.var.principal.userId,
      parsed.data.name,
      parsed.data.expires_in_days,
    );
    return render(context, { newToken: token });
  });

  app.post('/account/tokens/:id/delete', requireUser(), async (context) => {
    try {
      await deleteApiToken(runtime.db, context.var.principal.userId, context.req.param('id'));
      return context.redirect('/account', 303);
    } catch (error) {
      return render(context, { error: toPlatformError(error).message }, 400);
    }
  });

  app.post('/account/password', requireUser(), async (context) => {
    const parsed = passwordBody.safeParse(await form(context));
    if (!parsed.success)
      return render(context, { error: 'The new password must be at least 8 characters.' }, 400);
    try {
      await changeOwnPassword(runtime, context.var.principal.userId, parsed.data);
      await deleteUserWebSessions(
        runtime.db,
        context.var.principal.userId,
        context.var.session?.tokenHash,
      );
      return render(context, {
        message: 'Your password was changed; other browsers were signed out.',
      });
    } catch (error) {
      return render(
        context,
        {
          error: toPlatformError(error).message.replace(
            'current_password: is wrong',
            'The current password is wrong.',
          ),
        },
        400,
      );
    }
  });
}
