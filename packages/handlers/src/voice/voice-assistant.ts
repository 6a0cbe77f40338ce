/**
 * The voice assistant role: a durable consumer of voice turns (`ai.voice.request`,
 * `ai.voice.user.{user_id}.request`). Requests are validated and answered per the contract;
 * until a Transcriber is configured (the model-services work), every turn is answered with an
 * error that says so, never with a made-up transcription.
 */
import {
  STREAMS,
  encodeMessage,
  subjects,
  voiceRequestSchema,
  type VoiceResponse,
} from '@homelab-ai/contracts';
import type { Delivery } from '@homelab-ai/bus';
import type {
  ConsumerSettings,
  HandlerContext,
  RunningHandler,
} from '../shared/handler-context.js';
import { receive } from '../shared/receive.js';

export const NO_TRANSCRIBER_MESSAGE =
  'Speech-to-text is not available yet on this platform build: no Transcriber is configured.';

export async function startVoiceAssistant(
  context: HandlerContext & { settings: ConsumerSettings },
): Promise<RunningHandler> {
  const { bus, logger, settings } = context;
  const handle = async (delivery: Delivery) => {
    const request = await receive(context, delivery, voiceRequestSchema, 'voice request', (hint) =>
      hint.requestId ? [subjects.voiceResponse(hint.requestId)] : [],
    );
    const response: VoiceResponse = {
      request_id: request.request_id,
      transcription: '',
      response: '',
      sources: [],
      error: NO_TRANSCRIBER_MESSAGE,
      error_type: 'model_not_configured',
    };
    await bus.publish(subjects.voiceResponse(request.request_id), encodeMessage(response));
    logger.info(
      { request_id: request.request_id },
      'voice turn answered: no transcriber configured',
    );
  };
  const consumer = await bus.consume(
    {
      stream: STREAMS.voice.name,
      durable: 'voice-assistant',
      ackWaitMs: settings.ackWaitMs,
      maxDeliver: settings.maxDeliver,
      concurrency: settings.concurrency,
    },
    handle,
  );
  return { name: 'voice-assistant', stop: (graceMs) => consumer.stop(graceMs) };
}
