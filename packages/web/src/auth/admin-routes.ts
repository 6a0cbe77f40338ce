/** The users API for admins: GET/POST /api/admin/users, PATCH/DELETE /api/admin/users/:id. */
import type { Hono } from 'hono';
import { listUsers } from '@homelab-ai/metadata-db';
import { apiError } from '../api/api-errors.js';
import { readJson } from '../api/request-body.js';
import type { AuthEnv, AuthRuntime } from './auth-env.js';
import { requireAdmin } from './require-user.js';
import {
  adminUserView,
  changeUserBody,
  changeUserByAdmin,
  createUserBody,
  createUserByAdmin,
  deleteUserByAdmin,
} from './user-admin.js';

export function addAdminRoutes(app: Hono<AuthEnv>, runtime: AuthRuntime): void {
  app.get('/api/admin/users', requireAdmin(), async (context) => {
    const users = await listUsers(runtime.db);
    return context.json({ users: users.map(adminUserView) });
  });

  app.post('/api/admin/users', requireAdmin(), async (context) => {
    try {
      const user = await createUserByAdmin(runtime, await readJson(context, createUserBody));
      return context.json(adminUserView(user), 201);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.patch('/api/admin/users/:id', requireAdmin(), async (context) => {
    try {
      const body = await readJson(context, changeUserBody);
      const user = await changeUserByAdmin(runtime, context.req.param('id'), body);
      return context.json(adminUserView(user));
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.delete('/api/admin/users/:id', requireAdmin(), async (context) => {
    try {
      await deleteUserByAdmin(runtime, context.req.param('id'));
      return context.body(null, 204);
    } catch (error) {
      return apiError(context, error);
    }
  });
}
