/**
 * Trace context through bus headers (W3C traceparent) with the OpenTelemetry API. A basic
 * tracer provider gives real trace ids; exporting spans is left to an OTel SDK the operator adds.
 */
import {
  context,
  propagation,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';

let installed = false;

/** Registers the context manager, propagator and tracer provider once per process. */
export function installTracing(): void {
  if (installed) return;
  installed = true;
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider());
}

export type Headers = Record<string, string>;

const setter: TextMapSetter<Headers> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};
const getter: TextMapGetter<Headers> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};

/** Adds the active trace context to outgoing headers. */
export function injectTraceContext(headers: Headers = {}): Headers {
  propagation.inject(context.active(), headers, setter);
  return headers;
}

/** The context carried by incoming headers. */
export function extractTraceContext(headers: Headers): Context {
  return propagation.extract(context.active(), headers, getter);
}

const tracer = () => trace.getTracer('homelab-ai');

/** Runs `work` inside a new span, child of the context in `headers` when given. */
export async function withSpan<T>(
  name: string,
  attributes: Record<string, string | number | boolean>,
  work: (span: Span) => Promise<T>,
  parentHeaders?: Headers,
): Promise<T> {
  const parent = parentHeaders ? extractTraceContext(parentHeaders) : context.active();
  return tracer().startActiveSpan(name, { attributes }, parent, async (span) => {
    try {
      return await work(span);
    } finally {
      span.end();
    }
  });
}

/** Trace and span ids of the active span, for log lines. */
export function currentTraceIds(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
