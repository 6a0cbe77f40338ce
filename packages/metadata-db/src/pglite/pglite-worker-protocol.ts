/** Messages between the PGlite worker thread and its client. */
export type WorkerRequest = { id: number } & (
  | { op: 'open' }
  | { op: 'query'; sql: string; params: unknown[]; transaction?: number }
  | { op: 'exec'; sql: string; transaction?: number }
  | { op: 'begin' }
  | { op: 'end'; transaction: number; outcome: 'commit' | 'rollback' }
  | { op: 'close' }
);

/** Distributes `Omit` over the union, so each request keeps its own fields. */
export type WorkerCall = WorkerRequest extends infer Request
  ? Request extends { id: number }
    ? Omit<Request, 'id'>
    : never
  : never;

export interface WorkerError {
  message: string;
  name: string;
  code: string | undefined;
  detail: string | undefined;
  hint: string | undefined;
}

export interface WorkerReply {
  id: number;
  result?: unknown;
  error?: WorkerError;
}
