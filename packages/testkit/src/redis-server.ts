// Filled in by the session-cache work: startRedisServer() for a real Debian redis-server.
export {};
