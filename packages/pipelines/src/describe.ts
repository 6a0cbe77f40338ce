/**
 * The declarative part of a pipeline as plain JSON: what the `pipelines` table stores and what
 * a workflow compiler (Argo, Kubeflow) reads. Only `run` functions are left out.
 */
import { z } from 'zod';
import type { PipelineDefinition } from './definition.js';

export interface StepDescription {
  name: string;
  dependsOn: string[];
  retries: number;
  timeoutMs: number | null;
  cache: boolean;
  resumable: boolean;
}

export interface PipelineDescription {
  name: string;
  description: string;
  /** JSON Schema of the parameters as a caller sends them. */
  parameters: Record<string, unknown>;
  steps: StepDescription[];
}

/** Describes a pipeline as JSON, its parameters as JSON Schema. */
export function describePipeline(pipeline: PipelineDefinition): PipelineDescription {
  return {
    name: pipeline.name,
    description: pipeline.description,
    parameters: z.toJSONSchema(pipeline.parameters, { io: 'input', unrepresentable: 'any' }),
    steps: pipeline.steps.map((step) => ({
      name: step.name,
      dependsOn: [...(step.dependsOn ?? [])],
      retries: step.retries ?? 0,
      timeoutMs: step.timeoutMs ?? null,
      cache: step.cache ?? false,
      resumable: step.resumable ?? false,
    })),
  };
}
