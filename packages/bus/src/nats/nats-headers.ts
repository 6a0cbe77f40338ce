import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';
import type { BusHeaders } from '../port.js';

export function toNatsHeaders(source: BusHeaders | undefined): MsgHdrs | undefined {
  if (!source) return undefined;
  const entries = Object.entries(source);
  if (entries.length === 0) return undefined;
  const result = natsHeaders();
  for (const [key, value] of entries) result.set(key, value);
  return result;
}

export function fromNatsHeaders(source: MsgHdrs | undefined): BusHeaders {
  const result: BusHeaders = {};
  if (!source) return result;
  for (const key of source.keys()) result[key] = source.get(key);
  return result;
}
