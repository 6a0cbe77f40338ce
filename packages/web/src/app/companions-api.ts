/**
 * Companions: the JSON API (`/api/companions`) and the page's form posts (`/companions`).
 * A companion's default collection is named by the user and stored by id.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';
import {
  createCompanion,
  deleteCompanion,
  findCollectionByName,
  listCompanions,
  updateCompanion,
  type CompanionFields,
  type CompanionView,
} from '@homelab-ai/metadata-db';
import { apiError } from '../api/api-errors.js';
import type { AppDeps } from './app-deps.js';
import { renderCompanionsPage } from './companions-page.js';
import { renderPage } from './layout.js';

const emptyToNull = (value: unknown) =>
  typeof value === 'string' && value.trim() === '' ? null : value;

const companionFields = {
  name: z.string().trim().min(1, 'must not be empty').max(100),
  avatar: z.preprocess(emptyToNull, z.string().trim().max(16).nullable()),
  system_prompt: z.string().max(20_000),
  default_collection: z.preprocess(emptyToNull, z.string().max(200).nullable()),
  voice: z.preprocess(emptyToNull, z.string().trim().max(100).nullable()),
  is_default: z.preprocess((value) => value === 'on' || value === true, z.boolean()),
};
/** Creating (and the page's full forms): what is left out takes its default. */
const createBody = z.object({
  ...companionFields,
  avatar: companionFields.avatar.default(null),
  system_prompt: companionFields.system_prompt.default(''),
  default_collection: companionFields.default_collection.default(null),
  voice: companionFields.voice.default(null),
  is_default: companionFields.is_default.default(false),
});
/** Patching: what is left out stays as it is. */
const patchBody = z.object(companionFields).partial();
type CompanionBody = {
  [Key in keyof z.infer<typeof createBody>]?: z.infer<typeof createBody>[Key];
};

function parseBody(body: unknown, partial: boolean): CompanionBody {
  const parsed = (partial ? patchBody : createBody).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PlatformError(
      'invalid_input',
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data as CompanionBody;
}

export function companionView(companion: CompanionView) {
  return {
    id: companion.id,
    name: companion.name,
    avatar: companion.avatar,
    system_prompt: companion.system_prompt,
    default_collection: companion.default_collection_name,
    voice: companion.voice,
    is_default: companion.is_default,
    created_at: companion.created_at,
    updated_at: companion.updated_at,
  };
}

export function addCompanionRoutes(app: Hono, deps: AppDeps): void {
  async function toFields(ownerId: string, body: CompanionBody) {
    const { db } = await deps.openDb();
    let defaultCollection: string | null | undefined;
    if (body.default_collection === null) defaultCollection = null;
    else if (body.default_collection !== undefined) {
      const collection = await findCollectionByName(db, ownerId, body.default_collection);
      if (!collection) {
        throw new PlatformError(
          'invalid_input',
          `default_collection: there is no collection named "${body.default_collection}"`,
        );
      }
      defaultCollection = collection.id;
    }
    const fields: Partial<CompanionFields> = {
      ...(body.name === undefined ? {} : { name: body.name }),
      ...(body.avatar === undefined ? {} : { avatar: body.avatar }),
      ...(body.system_prompt === undefined ? {} : { systemPrompt: body.system_prompt }),
      ...(defaultCollection === undefined ? {} : { defaultCollection }),
      ...(body.voice === undefined ? {} : { voice: body.voice }),
      ...(body.is_default === undefined ? {} : { isDefault: body.is_default }),
    };
    return { db, fields };
  }

  const jsonBody = async (context: Context): Promise<unknown> => {
    try {
      return await context.req.json();
    } catch {
      throw new PlatformError('invalid_input', 'the request body must be JSON');
    }
  };

  app.get('/api/companions', async (context) => {
    try {
      const { db } = await deps.openDb();
      const companions = await listCompanions(db, deps.userOf(context).userId);
      return context.json({ companions: companions.map(companionView) });
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.post('/api/companions', async (context) => {
    try {
      const ownerId = deps.userOf(context).userId;
      const { db, fields } = await toFields(ownerId, parseBody(await jsonBody(context), false));
      const companion = await createCompanion(db, ownerId, fields as CompanionFields);
      return context.json({ companion: companionView(companion) }, 201);
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.patch('/api/companions/:id', async (context) => {
    try {
      const ownerId = deps.userOf(context).userId;
      const { db, fields } = await toFields(ownerId, parseBody(await jsonBody(context), true));
      const companion = await updateCompanion(db, ownerId, context.req.param('id'), fields);
      return context.json({ companion: companionView(companion) });
    } catch (error) {
      return apiError(context, error);
    }
  });

  app.delete('/api/companions/:id', async (context) => {
    try {
      const { db } = await deps.openDb();
      await deleteCompanion(db, deps.userOf(context).userId, context.req.param('id'));
      return context.body(null, 204);
    } catch (error) {
      return apiError(context, error);
    }
  });

  // The page and its plain HTML forms (work without JavaScript).
  const page = async (context: Context, error?: string) => {
    const user = deps.userOf(context);
    const { db } = await deps.openDb();
    const [companions, collections] = await Promise.all([
      listCompanions(db, user.userId),
      (await deps.knowledge()).listCollections(user.userId),
    ]);
    const body = renderCompanionsPage({
      companions,
      collections,
      csrfToken: deps.csrfTokenOf(context),
      ...(error ? { error } : {}),
    });
    return context.html(
      renderPage({
        title: 'Companions',
        user,
        csrfToken: deps.csrfTokenOf(context),
        canSignOut: deps.canSignOut(context),
        scripts: ['app.js'],
        body,
      }),
      error ? 400 : 200,
    );
  };

  app.get('/companions', (context) => page(context));
  app.post('/companions', async (context) => {
    try {
      const ownerId = deps.userOf(context).userId;
      const form = Object.fromEntries(Object.entries(await context.req.parseBody()));
      const { db, fields } = await toFields(ownerId, parseBody(form, false));
      await createCompanion(db, ownerId, fields as CompanionFields);
      return context.redirect('/companions', 303);
    } catch (error) {
      return page(context, (error as Error).message);
    }
  });
  app.post('/companions/:id', async (context) => {
    try {
      const ownerId = deps.userOf(context).userId;
      const form = Object.fromEntries(Object.entries(await context.req.parseBody()));
      if (form.action === 'delete') {
        const { db } = await deps.openDb();
        await deleteCompanion(db, ownerId, context.req.param('id'));
      } else {
        const { db, fields } = await toFields(ownerId, parseBody(form, false));
        await updateCompanion(db, ownerId, context.req.param('id'), fields);
      }
      return context.redirect('/companions', 303);
    } catch (error) {
      return page(context, (error as Error).message);
    }
  });
}
