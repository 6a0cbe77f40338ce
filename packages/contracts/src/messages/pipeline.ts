import { z } from 'zod';
import { subjectToken, withDefault } from './fields.js';

/** The pipelines the original bridge knew. */
export const KNOWN_PIPELINES = [
  'document-ingestion',
  'batch-inference',
  'model-evaluation',
  'rag-query',
  'voice-pipeline',
] as const;

/** `ai.pipeline.trigger` */
export const pipelineTriggerSchema = z.object({
  request_id: subjectToken,
  pipeline: z.string().min(1).max(200),
  parameters: withDefault(z.record(z.string().max(200), z.string().max(10_000)), {}),
});
export type PipelineTrigger = z.output<typeof pipelineTriggerSchema>;

export const PIPELINE_STATUSES = [
  'submitted',
  'pending',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'error',
] as const;

/** `ai.pipeline.status.{request_id}` */
export const pipelineStatusSchema = z.object({
  request_id: z.string(),
  status: z.enum(PIPELINE_STATUSES),
  run_id: z.string(),
  engine: z.string(),
  pipeline: z.string(),
  error: z.string().optional(),
  available_pipelines: z.array(z.string()).optional(),
  /** The step this change is about, with its progress (0–1) and a message, when there is one. */
  step: z.string().optional(),
  progress: z.number().optional(),
  message: z.string().optional(),
  /** Steps finished and in all, for a progress bar. */
  steps_done: z.number().optional(),
  steps_total: z.number().optional(),
  timestamp: z.number(),
});
export type PipelineStatus = z.output<typeof pipelineStatusSchema>;
