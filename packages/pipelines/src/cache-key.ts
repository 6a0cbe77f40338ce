/**
 * The step cache key: sha256 over the pipeline, the step, the run parameters and the outputs of
 * the step's dependencies, serialized with sorted keys so equal inputs always hash alike.
 */
import { createHash } from 'node:crypto';

export interface StepInputs {
  pipeline: string;
  step: string;
  parameters: unknown;
  dependencies: Readonly<Record<string, unknown>>;
}

/** The hex sha256 of a step's inputs. */
export function stepCacheKey(inputs: StepInputs): string {
  return createHash('sha256').update(canonicalJson(inputs)).digest('hex');
}

/** JSON with object keys sorted at every level; `undefined` members are dropped as JSON does. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => {
    if (member === null || typeof member !== 'object' || Array.isArray(member)) return member;
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(member).sort()) {
      sorted[key] = (member as Record<string, unknown>)[key];
    }
    return sorted;
  });
}
