/**
 * Downloads a document from an http(s) URL for ingestion, safely: every address the name
 * resolves to is checked at connect time (so DNS rebinding cannot slip past), redirects are
 * re-checked, and the body is cut off past the size limit.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { PlatformError } from '@homelab-ai/contracts';
import { isPrivateAddress } from './private-address.js';

export interface FetchUrlOptions {
  maxBytes: number;
  /** Allow loopback and private addresses (a trusted homelab network). */
  allowPrivate: boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
}

export interface FetchedDocument {
  url: string;
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

const MAX_REDIRECTS = 5;

function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) {
        callback(error, '', 0);
        return;
      }
      const refused = addresses.find((entry) => !allowPrivate && isPrivateAddress(entry.address));
      if (refused) {
        callback(
          new PlatformError(
            'forbidden',
            `${hostname} resolves to ${refused.address}, a loopback or private address; set INGEST_ALLOW_PRIVATE_URLS=true to allow it`,
          ),
          '',
          0,
        );
        return;
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]?.address ?? '', addresses[0]?.family ?? 4);
    });
  };
}

function filenameOf(url: URL, response: IncomingMessage): string {
  const disposition = response.headers['content-disposition'] ?? '';
  const named = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
  const fromPath = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? '');
  return (named ?? fromPath) || url.hostname;
}

function get(url: URL, options: FetchUrlOptions): Promise<IncomingMessage> {
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = request(url, {
      lookup: guardedLookup(options.allowPrivate),
      headers: { 'user-agent': 'homelab-ai-ingest/0.1', accept: '*/*' },
      timeout: options.timeoutMs ?? 30_000,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    outgoing.on('response', resolve);
    outgoing.on('timeout', () =>
      outgoing.destroy(new PlatformError('timeout', `${url.href} did not answer in time`)),
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

export async function fetchUrl(source: string, options: FetchUrlOptions): Promise<FetchedDocument> {
  let url = new URL(source);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new PlatformError(
        'invalid_input',
        `${url.href}: only http and https URLs can be fetched`,
      );
    }
    // Node connects to an IP literal without a lookup: check it here.
    const literal = url.hostname.replace(/^\[|\]$/g, '');
    if (!options.allowPrivate && isIP(literal) !== 0 && isPrivateAddress(literal)) {
      throw new PlatformError(
        'forbidden',
        `${url.href} points at ${literal}, a loopback or private address; set INGEST_ALLOW_PRIVATE_URLS=true to allow it`,
      );
    }
    let response: IncomingMessage;
    try {
      response = await get(url, options);
    } catch (error) {
      if (error instanceof PlatformError) throw error;
      throw new PlatformError(
        'unavailable',
        `${url.href} unreachable: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
    const status = response.statusCode ?? 0;
    const location = response.headers.location;
    if (status >= 300 && status < 400 && location) {
      response.resume();
      url = new URL(location, url);
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new PlatformError('invalid_input', `${url.href} answered HTTP ${status}`);
    }
    const declared = Number(response.headers['content-length'] ?? 0);
    if (declared > options.maxBytes) {
      response.destroy();
      throw tooLarge(url, options.maxBytes);
    }
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of response as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        response.destroy();
        throw tooLarge(url, options.maxBytes);
      }
      parts.push(chunk);
    }
    return {
      url: url.href,
      filename: filenameOf(url, response),
      contentType:
        (response.headers['content-type'] ?? 'application/octet-stream').split(';')[0] ?? '',
      bytes: Buffer.concat(parts),
    };
  }
  throw new PlatformError('invalid_input', `${source}: more than ${MAX_REDIRECTS} redirects`);
}

function tooLarge(url: URL, maxBytes: number): PlatformError {
  return new PlatformError(
    'payload_too_large',
    `${url.href} is over the limit of ${Math.round(maxBytes / 1_048_576)} MB`,
  );
}
