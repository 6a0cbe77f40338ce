/** Test helpers for bus clients of the handlers (`@homelab-ai/handlers/testing`). */
export { listenToTurn, type TurnListener } from './turn-listener.js';
export { malformedPayloads, type MalformedCase } from './malformed.js';
