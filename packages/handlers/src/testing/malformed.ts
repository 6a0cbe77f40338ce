/** Generates malformed and schema-invalid bus payloads, deterministically from a seed. */
import { encodeMessage } from '@homelab-ai/contracts';

export interface MalformedCase {
  bytes: Uint8Array;
  /** The request_id an error reply should go to, when the payload still carries a usable one. */
  replyRequestId: string | undefined;
}

function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` bad payloads for a subject whose valid messages look like `valid` (with a request_id). */
export function malformedPayloads(
  valid: Record<string, unknown>,
  count: number,
  seed: number,
): MalformedCase[] {
  const random = prng(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const fields = Object.keys(valid).filter((key) => key !== 'request_id');
  const badValues = [
    null,
    42,
    -1,
    1e300,
    '',
    'x'.repeat(300),
    true,
    [],
    {},
    [1, 2],
    { nested: { deep: [null] } },
    new Uint8Array(3),
  ];
  const badIds = ['has.dot', 'star*', 'gt>', 'with space', '', 'x'.repeat(200), 'tab\there'];
  const cases: MalformedCase[] = [];
  for (let index = 0; index < count; index++) {
    const id = `bad-${seed}-${index}`;
    switch (index % 6) {
      case 0: {
        // Not MessagePack at all, or cut short.
        const length = 1 + Math.floor(random() * 40);
        const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        bytes[0] = 0xc1; // never used in MessagePack: decoding must fail
        cases.push({ bytes, replyRequestId: undefined });
        break;
      }
      case 1: {
        const whole = encodeMessage({ ...valid, request_id: id });
        cases.push({
          bytes: whole.slice(0, Math.max(1, Math.floor(whole.length / 2))),
          replyRequestId: undefined,
        });
        break;
      }
      case 2:
        cases.push({
          bytes: encodeMessage(pick([null, 7, 'just a string', [1, 2, 3], true, 3.14])),
          replyRequestId: undefined,
        });
        break;
      case 3: {
        // A required field missing.
        const copy: Record<string, unknown> = { ...valid, request_id: id };
        delete copy[
          pick(fields.filter((field) => ['message', 'audio', 'pipeline'].includes(field)))
        ];
        cases.push({ bytes: encodeMessage(copy), replyRequestId: id });
        break;
      }
      case 4: {
        // A field of the wrong type or out of range.
        const field = pick(fields);
        const value = pick(
          badValues.filter(
            (candidate) =>
              typeof candidate !== typeof valid[field] ||
              candidate === null ||
              Array.isArray(candidate),
          ),
        );
        const copy = { ...valid, request_id: id, [field]: value };
        // null means "unset" for optional fields; give those a value of the wrong kind instead.
        if (value === null && !['message', 'audio', 'pipeline'].includes(field)) {
          copy[field] =
            typeof valid[field] === 'object' ? 'not an object' : { unexpected: 'object' };
        }
        cases.push({ bytes: encodeMessage(copy), replyRequestId: id });
        break;
      }
      default:
        // A request_id that would break or widen a subject.
        cases.push({
          bytes: encodeMessage({ ...valid, request_id: pick(badIds) }),
          replyRequestId: undefined,
        });
    }
  }
  return cases;
}
