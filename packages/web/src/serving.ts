/**
 * The light part of the gateway, for starting fast: the HTTP server, health, metrics and
 * assets. Everything that needs the database (accounts, the app, the APIs) is in the main entry,
 * loaded on first use.
 */
export * from './gateway/health-report.js';
export * from './gateway/http-server.js';
export { addOpsRoutes } from './gateway/ops-routes.js';
export { addStaticRoutes } from './gateway/static-assets.js';
export { countRequests } from './gateway/count-requests.js';
