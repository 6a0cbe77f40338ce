/** How a port reports itself on `/healthz`. */
export interface PortHealth {
  healthy: boolean;
  detail: string;
}

export interface ComponentHealth extends PortHealth {
  /** Which adapter serves the port, e.g. `memory`, `nats`, `openai`, `llama-cpp`, `none`. */
  adapter: string;
}
