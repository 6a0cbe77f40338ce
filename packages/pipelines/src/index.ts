/** The pipeline engine: typed DAG definitions and the embedded runner. */
export {
  definePipeline,
  type PipelineDefinition,
  type PipelineDefinitionInput,
  type StepArtifacts,
  type StepContext,
  type StepDefinition,
  type StepOutputs,
} from './definition.js';
export { describePipeline, type PipelineDescription, type StepDescription } from './describe.js';
export { stepCacheKey, canonicalJson } from './cache-key.js';
export {
  createEmbeddedRunner,
  type EmbeddedRunner,
  type EmbeddedRunnerSettings,
  type ListRunsOptions,
  type StartOptions,
} from './runner.js';
export { INTERRUPTED_BY_RESTART, type RecoveryReport } from './recovery.js';
export type {
  PipelineEvent,
  PipelineRunSummary,
  PipelineRunView,
  PipelineStepEvent,
  PipelineStepView,
} from './run-view.js';
