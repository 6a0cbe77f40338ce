/**
 * The PipelineEngine port the pipeline bridge drives: the embedded runner here, Argo Workflows
 * or Kubeflow Pipelines at scale. Submitting is idempotent by request id.
 */
export type PipelineRunState = 'pending' | 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface PipelineRunEvent {
  runId: string;
  requestId: string | undefined;
  pipeline: string;
  status: PipelineRunState;
  step?: string | undefined;
  progress?: number | undefined;
  message?: string | undefined;
  error?: string | undefined;
  stepsDone?: number | undefined;
  stepsTotal?: number | undefined;
}

export interface PipelineEngine {
  /** `embedded`, `argo`, `kfp`. */
  readonly engine: string;
  pipelines(): string[];
  /** Starts a run (or returns the run already started for this request id). */
  submit(pipeline: string, parameters: Record<string, string>, requestId: string): Promise<string>;
  /** Every state change of every run; returns the unsubscribe function. */
  onEvent(listener: (event: PipelineRunEvent) => void): () => void;
}
