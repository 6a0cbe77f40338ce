export * from './gateway/health-report.js';
export * from './gateway/http-server.js';
export * from './gateway/gateway-app.js';
export { addOpsRoutes } from './gateway/ops-routes.js';
export { createChatSocketHandler, type ChatSocketSettings } from './chat/chat-socket.js';
export type { ChatPageModel } from './chat/chat-page.js';
export { addKnowledgeRoutes, type KnowledgeRoutesDeps } from './api/knowledge-routes.js';
