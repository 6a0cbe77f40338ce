/** Creates or updates JetStream streams so that every start converges on the same config. */
import {
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/nats-core';
import type { StreamSpec } from '@homelab-ai/contracts';

function toStreamConfig(spec: StreamSpec): Partial<StreamConfig> & { name: string } {
  return {
    name: spec.name,
    subjects: [...spec.subjects],
    description: spec.description,
    storage: spec.storage === 'file' ? StorageType.File : StorageType.Memory,
    retention: spec.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
    max_age: nanos(spec.maxAgeMs),
    duplicate_window: nanos(Math.min(spec.maxAgeMs || 120_000, 120_000)),
  };
}

export async function ensureNatsStreams(
  jsm: JetStreamManager,
  streams: readonly StreamSpec[],
): Promise<void> {
  for (const spec of streams) {
    const config = toStreamConfig(spec);
    try {
      await jsm.streams.info(spec.name);
    } catch (error) {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound) {
        await jsm.streams.add(config);
        continue;
      }
      throw error;
    }
    // Storage and retention cannot change on a live stream; the rest converges.
    const updatable: Partial<StreamConfig> = { ...config };
    delete updatable.storage;
    delete updatable.retention;
    await jsm.streams.update(spec.name, updatable);
  }
}
