/**
 * Who is on the other end: the peer address, whether it is a trusted proxy (CIDR list), and
 * the client address a trusted proxy reports in X-Forwarded-For.
 */
import { BlockList, isIP } from 'node:net';
import type { Context } from 'hono';

/** Builds a matcher for `10.0.0.0/8, ::1, 192.168.1.5` (already validated by the config). */
export function trustedProxyMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address = '', prefix] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (address) => {
    const plain = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
    const family = isIP(plain);
    if (family === 0) return false;
    return list.check(plain, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** The TCP peer of a request served by @hono/node-server, if there is one. */
export function peerAddress(context: Context): string | undefined {
  const env: unknown = context.env;
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return undefined;
  const incoming = env.incoming as { socket?: { remoteAddress?: string } } | undefined;
  return incoming?.socket?.remoteAddress;
}

/**
 * The client's address: the peer, or — when the peer is a trusted proxy — the nearest
 * untrusted address in X-Forwarded-For.
 */
export function clientAddress(
  peer: string | undefined,
  headers: Headers,
  isTrusted: (address: string) => boolean,
): string {
  if (peer === undefined) return 'unknown';
  if (!isTrusted(peer)) return peer;
  const hops = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  for (let index = hops.length - 1; index >= 0; index -= 1) {
    const hop = hops[index] as string;
    if (!isTrusted(hop)) return hop;
  }
  return hops[0] ?? peer;
}
