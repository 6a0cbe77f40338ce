/** The Companions app's pages: chat (new or a session), library; plus its APIs. */
import type { Context, Hono } from 'hono';
import {
  listChatSessions,
  listCompanions,
  listOwnedSessionMessages,
} from '@homelab-ai/metadata-db';
import type { AppDeps } from './app-deps.js';
import { renderChatBody } from './chat-app-page.js';
import { addCompanionRoutes } from './companions-api.js';
import { renderPage } from './layout.js';
import { renderLibraryPage } from './library-page.js';
import { addSessionRoutes } from './sessions-api.js';

export function addAppRoutes(app: Hono, deps: AppDeps): void {
  addSessionRoutes(app, deps);
  addCompanionRoutes(app, deps);

  const chatPage = async (context: Context, sessionId?: string) => {
    const user = deps.userOf(context);
    const { db } = await deps.openDb();
    const knowledge = await deps.knowledge();
    const [sessions, companions, collections, models, warnings, current] = await Promise.all([
      listChatSessions(db, user.userId, { limit: 100 }),
      listCompanions(db, user.userId),
      knowledge.listCollections(user.userId),
      deps.listModels(),
      deps.warnings(),
      sessionId === undefined
        ? Promise.resolve(undefined)
        : listOwnedSessionMessages(db, user.userId, sessionId).catch(() => undefined),
    ]);
    if (sessionId !== undefined && current === undefined) return context.redirect('/', 303);
    const body = renderChatBody({
      sessions,
      companions,
      collections,
      models,
      warnings,
      ...(current ? { current } : {}),
    });
    return context.html(
      renderPage({
        title: current?.session.title || 'Chat',
        user,
        csrfToken: deps.csrfTokenOf(context),
        canSignOut: deps.canSignOut(context),
        scripts: ['marked.js', 'purify.js', 'highlight.js', 'app.js', 'uploads.js'],
        body,
      }),
    );
  };
  app.get('/', (context) => chatPage(context));
  app.get('/c/:id', (context) => chatPage(context, context.req.param('id')));

  const libraryPage = async (context: Context, error?: string) => {
    const user = deps.userOf(context);
    const knowledge = await deps.knowledge();
    const summaries = await knowledge.listCollections(user.userId);
    const collections = await Promise.all(
      summaries.map(async (collection) => ({
        collection,
        documents: await knowledge.listDocuments(user.userId, collection.name),
      })),
    );
    return context.html(
      renderPage({
        title: 'Library',
        user,
        csrfToken: deps.csrfTokenOf(context),
        canSignOut: deps.canSignOut(context),
        scripts: ['app.js'],
        body: renderLibraryPage({
          collections,
          csrfToken: deps.csrfTokenOf(context),
          ...(error ? { error } : {}),
        }),
      }),
      error ? 400 : 200,
    );
  };
  app.get('/library', (context) => libraryPage(context));
  app.post('/library', async (context) => {
    try {
      const form = await context.req.parseBody();
      const name = typeof form.name === 'string' ? form.name : '';
      await (await deps.knowledge()).createCollection(deps.userOf(context).userId, name);
      return context.redirect('/library', 303);
    } catch (error) {
      return libraryPage(context, (error as Error).message);
    }
  });
}
