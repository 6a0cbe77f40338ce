/** The sessions API: list and search, read with messages, rename, delete, export. */
import type { Hono } from 'hono';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import {
  deleteChatSession,
  listChatSessions,
  listOwnedSessionMessages,
  renameChatSession,
} from '@homelab-ai/metadata-db';
import { apiError } from '../api/api-errors.js';
import { readJson } from '../api/request-body.js';
import type { AppDeps } from './app-deps.js';
import { renderSessionItem, renderSessionList } from './session-list.js';
import { exportAsJson, exportAsMarkdown, exportFilename } from './session-export.js';

const renameBody = z.object({ title: z.string().trim().min(1, 'must not be empty').max(200) });

export function addSessionRoutes(app: Hono, deps: AppDeps): void {
  app.get('/api/sessions', async (context) => {
    try {
      const { db } = await deps.openDb();
      const query = context.req.query('q');
      const sessions = await listChatSessions(db, deps.userOf(context).userId, {
        ...(query ? { query } : {}),
      });
      return context.json({ sessions });
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.get('/api/sessions/:id', async (context) => {
    try {
      const { db } = await deps.openDb();
      const { session, messages } = await listOwnedSessionMessages(
        db,
        deps.userOf(context).userId,
        context.req.param('id'),
      );
      return context.json({ session, messages });
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.patch('/api/sessions/:id', async (context) => {
    try {
      const { title } = await readJson(context, renameBody);
      const { db } = await deps.openDb();
      const session = await renameChatSession(
        db,
        deps.userOf(context).userId,
        context.req.param('id'),
        title,
      );
      return context.json({ session });
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.delete('/api/sessions/:id', async (context) => {
    try {
      const { db } = await deps.openDb();
      await deleteChatSession(db, deps.userOf(context).userId, context.req.param('id'));
      // htmx swaps the list item away on 200; the JSON API gets an empty body.
      return context.body(null, 200);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.get('/api/sessions/:id/export', async (context) => {
    try {
      const format = context.req.query('format') ?? 'md';
      if (format !== 'md' && format !== 'json') {
        throw new PlatformError('invalid_input', 'format: must be md or json');
      }
      const { db } = await deps.openDb();
      const { session, messages } = await listOwnedSessionMessages(
        db,
        deps.userOf(context).userId,
        context.req.param('id'),
      );
      const json = format === 'json';
      return context.body(
        json ? exportAsJson(session, messages) : exportAsMarkdown(session, messages),
        200,
        {
          'content-type': json ? 'application/json' : 'text/markdown; charset=utf-8',
          'content-disposition': `attachment; filename="${exportFilename(session, format)}"`,
        },
      );
    } catch (error) {
      return apiError(context, error);
    }
  });

  // htmx fragments for the sidebar.
  app.get('/app/sessions', async (context) => {
    const { db } = await deps.openDb();
    const query = context.req.query('q')?.trim();
    const sessions = await listChatSessions(db, deps.userOf(context).userId, {
      ...(query ? { query } : {}),
    });
    return context.html(renderSessionList(sessions, context.req.query('current'), query));
  });

  app.patch('/app/sessions/:id/title', async (context) => {
    try {
      const parsed = renameBody.safeParse({ title: context.req.header('hx-prompt') ?? '' });
      if (!parsed.success) throw new PlatformError('invalid_input', 'title: must not be empty');
      const { title } = parsed.data;
      const { db } = await deps.openDb();
      const ownerId = deps.userOf(context).userId;
      const session = await renameChatSession(db, ownerId, context.req.param('id'), title);
      return context.html(
        renderSessionItem({ ...session, companion_name: null }, context.req.param('id')),
      );
    } catch (error) {
      return apiError(context, error);
    }
  });
}
