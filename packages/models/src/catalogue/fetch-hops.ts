/**
 * One GET that follows redirects itself, so the headers of every hop stay visible: Hugging Face
 * declares an LFS file's sha256 and size (`X-Linked-Etag`, `X-Linked-Size`) on its redirect to
 * the CDN, which the final response no longer carries. Also the HTTP-status → PlatformError table.
 */
import { PlatformError } from '@homelab-ai/contracts';

export interface FetchedDownload {
  response: Response;
  finalUrl: string;
  /** sha256 the server declared (X-Linked-Etag, or a sha256-shaped ETag), lower-case hex. */
  declaredSha256: string | undefined;
  /** Size the server declared for the whole file (X-Linked-Size). */
  declaredSize: number | undefined;
}

const MAX_REDIRECTS = 10;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export async function fetchFollowingRedirects(
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
  fetchImpl: typeof fetch,
  /** Called as soon as a hop declares a sha256, before the next hop; may throw to stop. */
  onDeclaredSha256: (sha256: string) => Promise<void> = () => Promise.resolve(),
): Promise<FetchedDownload> {
  let current = url;
  let declaredSha256: string | undefined;
  let declaredSize: number | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetchImpl(current, {
      headers,
      redirect: 'manual',
      ...(signal ? { signal } : {}),
    });
    const linked = sha256From(response.headers.get('x-linked-etag'));
    if (declaredSha256 === undefined && linked !== undefined) {
      declaredSha256 = linked;
      await onDeclaredSha256(linked).catch(async (error: unknown) => {
        await response.body?.cancel();
        throw error;
      });
    }
    declaredSize ??= sizeFrom(response.headers.get('x-linked-size'));
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).toString();
      continue;
    }
    // Without a linked etag, a plain ETag that is a sha256 (some mirrors) still counts.
    const etag =
      declaredSha256 === undefined ? sha256From(response.headers.get('etag')) : undefined;
    if (etag !== undefined) {
      declaredSha256 = etag;
      await onDeclaredSha256(etag).catch(async (error: unknown) => {
        await response.body?.cancel();
        throw error;
      });
    }
    return { response, finalUrl: current, declaredSha256, declaredSize };
  }
  throw new PlatformError(
    'unavailable',
    `models: more than ${MAX_REDIRECTS} redirects from ${url}; check the URL or HOMELAB_MODELS_MIRROR`,
  );
}

/** A PlatformError for a status the downloader cannot use; retryable for 5xx, 408 and 429. */
export function statusError(status: number, url: string): PlatformError {
  if (status === 404)
    return new PlatformError(
      'not_found',
      `models: ${url} answered 404 Not Found; check the model id, the URL or HOMELAB_MODELS_MIRROR`,
    );
  if (status === 401 || status === 403)
    return new PlatformError(
      'unauthorized',
      `models: ${url} answered ${status}; the file is gated or private — download it in a browser ` +
        'after accepting its licence and place it in HOMELAB_MODELS_DIR',
    );
  if (status >= 500 || status === 408 || status === 429)
    return new PlatformError('unavailable', `models: ${url} answered ${status}; try again later`);
  return new PlatformError('invalid_input', `models: ${url} answered HTTP ${status}`);
}

/** Parses `bytes 100-199/1000` into {start, end, total}, and the unsatisfied-range form into {total}. */
export function parseContentRange(
  value: string | null,
): { start?: number; end?: number; total?: number } | undefined {
  const match = value?.match(/^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i);
  if (!match) return undefined;
  const [, start, end, total] = match;
  return {
    ...(start !== undefined ? { start: Number(start) } : {}),
    ...(end !== undefined ? { end: Number(end) } : {}),
    ...(total !== undefined && total !== '*' ? { total: Number(total) } : {}),
  };
}

function sha256From(etag: string | null): string | undefined {
  const value = etag?.trim().replace(/^W\//, '').replace(/^"|"$/g, '').toLowerCase();
  return value !== undefined && SHA256_HEX.test(value) ? value : undefined;
}

function sizeFrom(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
