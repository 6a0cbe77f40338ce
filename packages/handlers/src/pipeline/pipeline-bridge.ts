/**
 * The pipeline bridge role: a durable consumer of `ai.pipeline.trigger`. Triggers are validated;
 * an unknown pipeline gets an `error` status listing the available ones; a known one is
 * submitted to the pipeline engine, and every change of its run is published on
 * `ai.pipeline.status.{request_id}` (submitted → running → succeeded / failed, with steps).
 */
import {
  KNOWN_PIPELINES,
  STREAMS,
  encodeMessage,
  pipelineTriggerSchema,
  subjectPatterns,
  subjects,
  toPlatformError,
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
import type { PipelineEngine, PipelineRunEvent } from './pipeline-engine.js';

function statusOf(event: PipelineRunEvent, engine: string): PipelineStatus {
  return {
    request_id: event.requestId ?? '',
    status: event.status,
    run_id: event.runId,
    engine,
    pipeline: event.pipeline,
    ...(event.error === undefined ? {} : { error: event.error }),
    ...(event.step === undefined ? {} : { step: event.step }),
    ...(event.progress === undefined ? {} : { progress: event.progress }),
    ...(event.message === undefined ? {} : { message: event.message }),
    ...(event.stepsDone === undefined ? {} : { steps_done: event.stepsDone }),
    ...(event.stepsTotal === undefined ? {} : { steps_total: event.stepsTotal }),
    timestamp: unixSeconds(),
  };
}

export async function startPipelineBridge(
  context: HandlerContext & { settings: ConsumerSettings; engine?: PipelineEngine | undefined },
): Promise<RunningHandler> {
  const { bus, logger, settings, engine } = context;
  const available = () => engine?.pipelines() ?? [];
  const publish = (status: PipelineStatus) =>
    bus.publish(subjects.pipelineStatus(status.request_id), encodeMessage(status));
  const publishEvent = (event: PipelineRunEvent, engineName: string) =>
    publish(statusOf(event, engineName)).catch((error: unknown) =>
      logger.warn({ err: error, run_id: event.runId }, 'could not publish a pipeline status'),
    );
  // Events of a run whose `submitted` status is not out yet wait for it, to keep the order.
  const held = new Map<string, PipelineRunEvent[]>();
  const unsubscribe = engine?.onEvent((event) => {
    if (!event.requestId) return;
    const waiting = held.get(event.requestId);
    if (waiting) waiting.push(event);
    else void publishEvent(event, engine.engine);
  });

  const handle = async (delivery: Delivery) => {
    const trigger = await receive(
      context,
      delivery,
      pipelineTriggerSchema,
      'pipeline trigger',
      (hint) => (hint.requestId ? [subjects.pipelineStatus(hint.requestId)] : []),
    );
    const errorStatus = (error: string): PipelineStatus => ({
      request_id: trigger.request_id,
      status: 'error',
      run_id: '',
      engine: engine?.engine ?? 'none',
      pipeline: trigger.pipeline,
      error,
      available_pipelines: available(),
      timestamp: unixSeconds(),
    });
    if (!engine) {
      const known = (KNOWN_PIPELINES as readonly string[]).includes(trigger.pipeline);
      await publish(
        errorStatus(
          known
            ? `pipeline ${trigger.pipeline} is known but no pipeline engine runs in this process`
            : `unknown pipeline ${JSON.stringify(trigger.pipeline)}; available: ${KNOWN_PIPELINES.join(', ')}`,
        ),
      );
      return;
    }
    if (!available().includes(trigger.pipeline)) {
      await publish(
        errorStatus(
          `unknown pipeline ${JSON.stringify(trigger.pipeline)}; available: ${available().join(', ')}`,
        ),
      );
      return;
    }
    let runId: string;
    const waiting: PipelineRunEvent[] = [];
    held.set(trigger.request_id, waiting);
    try {
      try {
        runId = await engine.submit(trigger.pipeline, trigger.parameters, trigger.request_id);
      } catch (error) {
        const failure = toPlatformError(error);
        if (failure.retryable) throw failure;
        await publish(errorStatus(failure.message));
        return;
      }
      await publish({
        request_id: trigger.request_id,
        status: 'submitted',
        run_id: runId,
        engine: engine.engine,
        pipeline: trigger.pipeline,
        timestamp: unixSeconds(),
      });
    } finally {
      for (let event = waiting.shift(); event; event = waiting.shift()) {
        await publishEvent(event, engine.engine);
      }
      held.delete(trigger.request_id);
    }
    logger.info(
      { request_id: trigger.request_id, pipeline: trigger.pipeline, run_id: runId },
      'pipeline run submitted',
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
  return {
    name: 'pipeline-bridge',
    stop: async (graceMs) => {
      await consumer.stop(graceMs);
      unsubscribe?.();
    },
  };
}
