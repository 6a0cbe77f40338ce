/** The OpenAI-compatible API's public surface. */
export { addOpenAiRoutes } from './openai-routes.js';
export type {
  OpenAiModelEntry,
  OpenAiRoutesDeps,
  Principal as OpenAiPrincipal,
} from './openai-deps.js';
