/**
 * Trace context through bus headers (W3C traceparent) with the OpenTelemetry API. A basic
 * tracer provider gives real trace ids; exporting spans is left to an OTel SDK the operator adds.
 * The provider and propagator load on first use or when `installTracing` is called (the
 * platform calls it once it answers): their modules take ~100 ms to load.
 * A span's context is passed on explicitly (`spanHeaders`, `spanIds`): no async-hooks context
 * manager is installed, since its promise hooks cost every promise of the process CPU and
 * garbage. An SDK that installs one still sees `withSpan`'s span as the active one.
 */
import {
  ROOT_CONTEXT,
  context,
  propagation,
  trace,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

let installing: Promise<void> | undefined;
/** Set once `installing` has settled: spans then start without waiting on it. */
let installed = false;

/**
 * Loads and registers the propagator and tracer provider, once per process; resolves when
 * they are registered. `withSpan` calls it first.
 */
export function installTracing(): Promise<void> {
  installing ??= Promise.all([
    import('@opentelemetry/core'),
    import('@opentelemetry/sdk-trace-base'),
  ])
    .then(([{ W3CTraceContextPropagator }, { BasicTracerProvider }]) => {
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      trace.setGlobalTracerProvider(new BasicTracerProvider());
    })
    // Without them the API's no-op tracer stays: spans record nothing, turns go on.
    .catch(() => undefined)
    .then(() => {
      installed = true;
    });
  return installing;
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

/** Adds the active trace context (if an SDK's context manager tracks one) to outgoing headers. */
export function injectTraceContext(headers: Headers = {}): Headers {
  propagation.inject(context.active(), headers, setter);
  return headers;
}

/** Headers that make what is sent with them part of `span`'s trace, as its children. */
export function spanHeaders(span: Span, headers: Headers = {}): Headers {
  propagation.inject(trace.setSpan(ROOT_CONTEXT, span), headers, setter);
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
  if (!installed) await installTracing();
  const parent = parentHeaders ? extractTraceContext(parentHeaders) : context.active();
  const span = tracer().startSpan(name, { attributes }, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => work(span));
  } finally {
    span.end();
  }
}

/** Trace and span ids of a span, for log lines (none for a span that records nothing). */
export function spanIds(span: Span): { trace_id?: string; span_id?: string } {
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}
