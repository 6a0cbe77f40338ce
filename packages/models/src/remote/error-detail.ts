/**
 * Reads the reason out of a model server's error answer, whatever its dialect: TEI
 * `{error, error_type}`, OpenAI `{error: {message}}`, FastAPI `{detail}`, Cohere `{message}`.
 */

const EXCERPT_CHARS = 300;

function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function reasonOf(body: unknown): string | undefined {
  if (typeof body === 'string') return body;
  if (typeof body !== 'object' || body === null) return undefined;
  const fields = body as {
    error?: unknown;
    error_type?: unknown;
    detail?: unknown;
    message?: unknown;
  };
  if (typeof fields.error === 'string')
    return typeof fields.error_type === 'string'
      ? `${fields.error} (${fields.error_type})`
      : fields.error;
  const nested = reasonOf(fields.error);
  if (nested) return nested;
  if (typeof fields.detail === 'string') return fields.detail;
  if (fields.detail !== undefined) return JSON.stringify(fields.detail);
  if (typeof fields.message === 'string') return fields.message;
  return undefined;
}

/** A short, single-line excerpt of why the server refused or failed. */
export async function readErrorDetail(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const reason = reasonOf(JSON.parse(text) as unknown);
    if (reason) return clip(reason);
  } catch {
    // not JSON: show the text itself
  }
  return clip(text) || response.statusText || '(empty body)';
}
