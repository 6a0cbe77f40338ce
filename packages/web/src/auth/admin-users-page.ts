/** The /admin/users page: every account with role, access and password reset; create and delete. */
import type { Context, Hono } from 'hono';
import { listUsers, type User } from '@homelab-ai/metadata-db';
import { toPlatformError } from '@homelab-ai/contracts';
import { renderPage } from '../app/layout.js';
import { escapeHtml } from '../chat/html.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { requireAdmin } from './require-user.js';
import {
  changeUserBody,
  changeUserByAdmin,
  createUserBody,
  createUserByAdmin,
  deleteUserByAdmin,
} from './user-admin.js';

function userRow(user: User, csrf: string, selfId: string): string {
  const id = escapeHtml(user.id);
  const label = escapeHtml(user.email);
  const hidden = `<input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">`;
  const selected = (role: string) => (user.role === role ? ' selected' : '');
  return `<tr>
      <th scope="row">${label}${user.id === selfId ? ' <span class="muted">(you)</span>' : ''}<div class="muted small">${escapeHtml(user.display_name)} · last sign-in ${user.last_login_at ? escapeHtml(user.last_login_at.toISOString().slice(0, 16).replace('T', ' ')) : 'never'}</div></th>
      <td><form method="post" action="/admin/users/${id}" class="row">${hidden}
        <label for="role-${id}">Role<select id="role-${id}" name="role"><option value="user"${selected('user')}>user</option><option value="admin"${selected('admin')}>admin</option></select></label>
        <label class="checkbox" for="disabled-${id}"><input type="checkbox" id="disabled-${id}" name="disabled" value="true"${user.disabled ? ' checked' : ''}> Disabled</label>
        <label for="password-${id}">New password<input id="password-${id}" name="password" type="password" autocomplete="new-password" minlength="8"></label>
        <button type="submit" aria-label="Save ${label}">Save</button>
      </form></td>
      <td><form method="post" action="/admin/users/${id}/delete">${hidden}
        <button type="submit" class="danger" aria-label="Delete ${label}">Delete</button>
      </form></td>
    </tr>`;
}

export function renderAdminUsersBody(
  users: readonly User[],
  csrf: string,
  selfId: string,
  error?: string,
): string {
  const alert = error ? `<div class="error" role="alert">${escapeHtml(error)}</div>` : '';
  return `<main id="main" class="page">
  <h2>Users</h2>
  ${alert}
  <table>
    <thead><tr><th scope="col">User</th><th scope="col">Access</th><th scope="col"><span class="visually-hidden">Delete</span></th></tr></thead>
    <tbody>${users.map((user) => userRow(user, csrf, selfId)).join('\n')}</tbody>
  </table>
  <h3>New user</h3>
  <form method="post" action="/admin/users" class="card">
    <input type="hidden" name="_csrf" value="${escapeHtml(csrf)}">
    <div class="row">
      <label for="new-email" class="grow">Email<input id="new-email" name="email" type="email" required></label>
      <label for="new-name" class="grow">Name<input id="new-name" name="display_name"></label>
    </div>
    <div class="row">
      <label for="new-password" class="grow">Password (at least 8 characters)<input id="new-password" name="password" type="password" autocomplete="new-password" minlength="8" required></label>
      <label for="new-role">Role<select id="new-role" name="role"><option value="user">user</option><option value="admin">admin</option></select></label>
      <button type="submit">Create user</button>
    </div>
  </form>
</main>`;
}

export function addAdminUsersPage(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  async function render(context: Context<AuthEnv>, error?: string) {
    const principal = context.var.principal;
    const csrf = context.var.session?.csrfToken ?? '';
    const body = renderAdminUsersBody(await listUsers(runtime.db), csrf, principal.userId, error);
    return context.html(
      renderPage({
        title: 'Users',
        user: principal,
        csrfToken: csrf,
        canSignOut: principal.via === 'session',
        body,
      }),
      error ? 400 : 200,
    );
  }
  const form = async (context: Context<AuthEnv>) => {
    const values = await context.req.parseBody();
    return Object.fromEntries(
      Object.entries(values).filter(
        ([name, value]) => name !== '_csrf' && typeof value === 'string' && value !== '',
      ),
    ) as Record<string, string>;
  };
  const failure = (error: unknown) => toPlatformError(error).message;

  app.get('/admin/users', requireAdmin(), (context) => render(context));

  app.post('/admin/users', requireAdmin(), async (context) => {
    const parsed = createUserBody.safeParse(await form(context));
    if (!parsed.success)
      return render(
        context,
        `${parsed.error.issues[0]?.path.join('.') ?? 'form'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    try {
      await createUserByAdmin(runtime, parsed.data);
      return context.redirect('/admin/users', 303);
    } catch (error) {
      return render(context, failure(error));
    }
  });

  app.post('/admin/users/:id', requireAdmin(), async (context) => {
    const values = await form(context);
    // An unticked checkbox sends nothing: the form always means "disabled = ticked".
    const parsed = changeUserBody.safeParse({ ...values, disabled: values.disabled === 'true' });
    if (!parsed.success)
      return render(
        context,
        `${parsed.error.issues[0]?.path.join('.') ?? 'form'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      );
    try {
      await changeUserByAdmin(runtime, context.req.param('id'), parsed.data);
      return context.redirect('/admin/users', 303);
    } catch (error) {
      return render(context, failure(error));
    }
  });

  app.post('/admin/users/:id/delete', requireAdmin(), async (context) => {
    try {
      await deleteUserByAdmin(runtime, context.req.param('id'));
      return context.redirect('/admin/users', 303);
    } catch (error) {
      return render(context, failure(error));
    }
  });
}
