/**
 * Subject builders for the bus contract (DESIGN.md §2). A token that goes into a subject is
 * validated so that a user id or request id can never widen a subscription (`*`, `>`) or add
 * a level (`.`).
 */
import { PlatformError } from './errors.js';

const TOKEN = /^[A-Za-z0-9_\-:@+=]{1,128}$/;

export function isSubjectToken(value: string): boolean {
  return TOKEN.test(value);
}

function token(kind: string, value: string): string {
  if (!TOKEN.test(value)) {
    throw new PlatformError(
      'invalid_message',
      `${kind} must be 1-128 characters of letters, digits, _ - : @ + = (got ${JSON.stringify(value.slice(0, 40))})`,
    );
  }
  return value;
}

export const subjects = {
  chatMessage: (userId: string) => `ai.chat.user.${token('user_id', userId)}.message`,
  chatStream: (requestId: string) => `ai.chat.response.stream.${token('request_id', requestId)}`,
  chatResponse: (requestId: string) => `ai.chat.response.${token('request_id', requestId)}`,
  chatLogin: (userId: string) => `ai.chat.user.${token('user_id', userId)}.login`,
  /** Core (not persisted) subject: any handler replica running the turn stops it. */
  chatCancel: (requestId: string) => `ai.chat.cancel.${token('request_id', requestId)}`,
  greetingRequest: (userId: string) => `ai.chat.user.${token('user_id', userId)}.greeting.request`,
  greetingResponse: (userId: string) =>
    `ai.chat.user.${token('user_id', userId)}.greeting.response`,
  voiceUserRequest: (userId: string) => `ai.voice.user.${token('user_id', userId)}.request`,
  voiceRequest: () => 'ai.voice.request',
  voiceResponse: (requestId: string) => `ai.voice.response.${token('request_id', requestId)}`,
  voiceStream: (sessionId: string) => `ai.voice.stream.${token('session_id', sessionId)}`,
  voiceTranscription: (sessionId: string) =>
    `ai.voice.transcription.${token('session_id', sessionId)}`,
  voiceTtsAudio: (sessionId: string) => `ai.voice.tts.audio.${token('session_id', sessionId)}`,
  pipelineTrigger: () => 'ai.pipeline.trigger',
  pipelineStatus: (requestId: string) => `ai.pipeline.status.${token('request_id', requestId)}`,
  /** Where a message that could not be handled goes, with the reason. */
  deadLetter: (originalSubject: string) => `ai.deadletter.${originalSubject}`,
} as const;

/** Wildcard patterns the handlers listen on. */
export const subjectPatterns = {
  chatMessages: 'ai.chat.user.*.message',
  chatLogins: 'ai.chat.user.*.login',
  chatCancels: 'ai.chat.cancel.*',
  greetingRequests: 'ai.chat.user.*.greeting.request',
  chatStreams: 'ai.chat.response.stream.>',
  voiceRequests: ['ai.voice.request', 'ai.voice.user.*.request'],
  voiceStreams: 'ai.voice.stream.*',
  pipelineTriggers: 'ai.pipeline.trigger',
  pipelineStatuses: 'ai.pipeline.status.*',
  deadLetters: 'ai.deadletter.>',
} as const;

/** The user id carried in `ai.chat.user.{user_id}.…` and `ai.voice.user.{user_id}.…`. */
export function userIdFromSubject(subject: string): string | undefined {
  const parts = subject.split('.');
  if (parts[0] === 'ai' && (parts[1] === 'chat' || parts[1] === 'voice') && parts[2] === 'user') {
    return parts[3];
  }
  return undefined;
}
