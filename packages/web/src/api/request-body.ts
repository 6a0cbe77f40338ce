/** Reading and validating JSON request bodies: a bad body is a 400 naming the field. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { PlatformError } from '@homelab-ai/contracts';

export async function readJson<T extends z.ZodType>(
  context: Context,
  schema: T,
): Promise<z.infer<T>> {
  let body: unknown;
  try {
    body = await context.req.json();
  } catch {
    throw new PlatformError('invalid_input', 'the request body must be JSON');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    throw new PlatformError('invalid_input', `${field}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
