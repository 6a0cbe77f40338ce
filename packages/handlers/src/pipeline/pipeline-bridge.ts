/**
 * The pipeline bridge role: a durable consumer of `ai.pipeline.trigger`. Triggers are validated;
 * an unknown pipeline gets an `error` status listing the known ones. Until a pipeline engine is
 * configured (the Knowledge work adds the embedded runner), a known pipeline gets an `error`
 * status saying so.
 */
import {
  KNOWN_PIPELINES,
  STREAMS,
  encodeMessage,
  pipelineTriggerSchema,
  subjectPatterns,
  subjects,
  unixSeconds,
  type PipelineStatus,
} from '@homelab-ai/contracts';
import type { Delivery } from '@homelab-ai/bus';
import type {
  ConsumerSettings,
  HandlerContext,
  RunningHandler,
} from '../shared/handler-context.js';
import { receive } from '../shared/receive.js';

export async function startPipelineBridge(
  context: HandlerContext & { settings: ConsumerSettings },
): Promise<RunningHandler> {
  const { bus, logger, settings } = context;
  const handle = async (delivery: Delivery) => {
    const trigger = await receive(
      context,
      delivery,
      pipelineTriggerSchema,
      'pipeline trigger',
      (hint) => (hint.requestId ? [subjects.pipelineStatus(hint.requestId)] : []),
    );
    const known = (KNOWN_PIPELINES as readonly string[]).includes(trigger.pipeline);
    const status: PipelineStatus = {
      request_id: trigger.request_id,
      status: 'error',
      run_id: '',
      engine: 'none',
      pipeline: trigger.pipeline,
      error: known
        ? `pipeline ${trigger.pipeline} is known but no pipeline engine is configured in this build`
        : `unknown pipeline ${JSON.stringify(trigger.pipeline)}; available: ${KNOWN_PIPELINES.join(', ')}`,
      available_pipelines: [...KNOWN_PIPELINES],
      timestamp: unixSeconds(),
    };
    await bus.publish(subjects.pipelineStatus(trigger.request_id), encodeMessage(status));
    logger.info(
      { request_id: trigger.request_id, pipeline: trigger.pipeline },
      'pipeline trigger answered',
    );
  };
  const consumer = await bus.consume(
    {
      stream: STREAMS.pipelines.name,
      durable: 'pipeline-bridge',
      filterSubjects: [subjectPatterns.pipelineTriggers],
      ackWaitMs: settings.ackWaitMs,
      maxDeliver: settings.maxDeliver,
      concurrency: settings.concurrency,
    },
    handle,
  );
  return { name: 'pipeline-bridge', stop: (graceMs) => consumer.stop(graceMs) };
}
