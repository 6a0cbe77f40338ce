/**
 * A loopback Milvus for tests: a gRPC server built from the SDK's own proto definitions that
 * implements the MilvusService RPCs the adapter calls, records each request, and answers the
 * way Milvus does (Status code 0 / Success, collection-not-found as code 100, …).
 * It keeps collections and upserted rows in memory; it does not compute real similarities:
 * Search answers the stored rows in insertion order with the scores a test sets.
 */
import { createRequire } from 'node:module';
import * as grpc from '@grpc/grpc-js';
import { fromJSON, type PackageDefinition } from '@grpc/proto-loader';

type ProtoJson = Parameters<typeof fromJSON>[0];
type Message = Record<string, unknown>;

export interface RecordedRequest {
  method: string;
  request: Message;
}

/** A column of an upsert as Milvus receives it. */
export interface FieldColumn {
  field_name: string;
  type: string;
  scalars?: { string_data?: { data: string[] }; json_data?: { data: Buffer[] } };
  vectors?: { dim: string; float_vector?: { data: number[] } };
}

export interface LoopbackMilvus {
  /** `127.0.0.1:port` */
  readonly address: string;
  readonly requests: RecordedRequest[];
  /** Requests of one RPC, e.g. `CreateIndex`. */
  requestsOf(method: string): Message[];
  /** Decodes a CreateCollection request's schema bytes as Milvus does. */
  decodeSchema(bytes: Buffer): Message;
  /** Decodes a Search request's placeholder group (the query vectors or texts). */
  decodePlaceholders(bytes: Buffer): Message;
  /** Scores Search gives its hits, best first; hits beyond the list are not returned. */
  searchScores: number[];
  /** What Delete reports as deleted. */
  deleteCount: number;
  /** What GetVersion answers. */
  version: string;
  stop(): Promise<void>;
}

const LOADER_OPTIONS = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};
const SUCCESS = { error_code: 'Success', code: 0, reason: '' };

function sdkProtoJson(): ProtoJson {
  const require = createRequire(import.meta.url);
  const module = require('@zilliz/milvus2-sdk-node/dist/milvus/proto-json/milvus.js') as {
    default: ProtoJson;
  };
  return module.default;
}

/** The SDK's definitions plus a codec service, so the test can decode embedded messages. */
function packageDefinition(): PackageDefinition {
  const json = structuredClone(sdkProtoJson()) as {
    nested: { milvus: { nested: { proto: { nested: { milvus: { nested: Message } } } } } };
  };
  json.nested.milvus.nested.proto.nested.milvus.nested['LoopbackCodec'] = {
    methods: {
      DecodeSchema: { requestType: 'schema.CollectionSchema', responseType: 'common.Status' },
      DecodePlaceholders: { requestType: 'common.PlaceholderGroup', responseType: 'common.Status' },
    },
  };
  return fromJSON(json as ProtoJson, LOADER_OPTIONS);
}

function decoder(definition: PackageDefinition, method: string): (bytes: Buffer) => Message {
  const service = definition['milvus.proto.milvus.LoopbackCodec'] as unknown as Record<
    string,
    { requestDeserialize: (bytes: Buffer) => Message }
  >;
  const codec = service[method];
  if (!codec) throw new Error(`no codec method ${method}`);
  return (bytes) => codec.requestDeserialize(bytes);
}

interface StoredCollection {
  schema: Message;
  indexes: Message[];
  rows: Map<string, Message>;
}

function notFound(name: string): Message {
  return {
    error_code: 'CollectionNotExists',
    code: 100,
    reason: `collection not found[database=default][collection=${name}]`,
  };
}

function keyValues(pairs: unknown): Record<string, string> {
  return Object.fromEntries(
    ((pairs ?? []) as { key: string; value: string }[]).map(({ key, value }) => [key, value]),
  );
}

/** The ids of an `id in ["a", "b"]` expression (its literals are JSON strings), else undefined. */
function idsIn(expression: string): string[] | undefined {
  const match = /^id in (\[.*\])$/s.exec(expression);
  return match?.[1] ? (JSON.parse(match[1]) as string[]) : undefined;
}

/** Turns upsert columns into rows keyed by field name. */
function rowsOf(columns: FieldColumn[], count: number): Message[] {
  const rows: Message[] = Array.from({ length: count }, () => ({}));
  for (const column of columns) {
    rows.forEach((row, index) => {
      if (column.vectors?.float_vector) {
        const dim = Number(column.vectors.dim);
        row[column.field_name] = column.vectors.float_vector.data.slice(
          index * dim,
          (index + 1) * dim,
        );
      } else if (column.scalars?.json_data) {
        row[column.field_name] = column.scalars.json_data.data[index];
      } else if (column.scalars?.string_data) {
        row[column.field_name] = column.scalars.string_data.data[index];
      }
    });
  }
  return rows;
}

/** The SearchResultData for `rows` with the given scores, output fields as columns. */
function searchResultData(rows: Message[], scores: number[], outputFields: string[]): Message {
  const hits = rows.slice(0, scores.length);
  const column = (name: string): Message =>
    name === 'metadata'
      ? {
          type: 'JSON',
          field_name: name,
          scalars: { json_data: { data: hits.map((row) => row[name]) } },
        }
      : {
          type: 'VarChar',
          field_name: name,
          scalars: { string_data: { data: hits.map((row) => row[name]) } },
        };
  return {
    num_queries: '1',
    top_k: String(hits.length),
    fields_data: outputFields.map(column),
    scores: scores.slice(0, hits.length),
    ids: { str_id: { data: hits.map((row) => row['id']) } },
    topks: [String(hits.length)],
    output_fields: outputFields,
  };
}

/** Starts the loopback Milvus on 127.0.0.1 and a free port. */
export async function startLoopbackMilvus(): Promise<LoopbackMilvus> {
  const definition = packageDefinition();
  const loaded = grpc.loadPackageDefinition(definition) as unknown as {
    milvus: { proto: { milvus: { MilvusService: { service: grpc.ServiceDefinition } } } };
  };
  const collections = new Map<string, StoredCollection>();
  const requests: RecordedRequest[] = [];
  const decodeSchema = decoder(definition, 'DecodeSchema');
  const state = { searchScores: [] as number[], deleteCount: 0, version: 'v2.5.4' };

  const rpc =
    (method: string, answer: (request: Message) => Message) =>
    (call: grpc.ServerUnaryCall<Message, Message>, callback: grpc.sendUnaryData<Message>) => {
      requests.push({ method, request: call.request });
      try {
        callback(null, answer(call.request));
      } catch (error) {
        callback({ code: grpc.status.INTERNAL, details: String(error) });
      }
    };
  const collectionOf = (request: Message): StoredCollection | undefined =>
    collections.get(String(request['collection_name']));
  const search = (request: Message, name: string): Message => {
    const stored = collections.get(name);
    if (!stored) return { status: notFound(name) };
    const topK = Number(keyValues(request['search_params'])['topk'] ?? state.searchScores.length);
    const scores = state.searchScores.slice(0, topK);
    const outputFields = (request['output_fields'] as string[] | undefined) ?? [];
    return {
      status: SUCCESS,
      collection_name: name,
      results: searchResultData([...stored.rows.values()], scores, outputFields),
    };
  };

  const server = new grpc.Server();
  server.addService(loaded.milvus.proto.milvus.MilvusService.service, {
    Connect: rpc('Connect', () => ({
      status: SUCCESS,
      server_info: { build_tags: state.version },
      identifier: '1',
    })),
    GetVersion: rpc('GetVersion', () => ({ status: SUCCESS, version: state.version })),
    CheckHealth: rpc('CheckHealth', () => ({ status: SUCCESS, isHealthy: true, reasons: [] })),
    CreateCollection: rpc('CreateCollection', (request) => {
      const name = String(request['collection_name']);
      if (collections.has(name)) {
        return { error_code: 'UnexpectedError', code: 65535, reason: `collection ${name} exists` };
      }
      const schema = decodeSchema(request['schema'] as Buffer);
      collections.set(name, { schema, indexes: [], rows: new Map() });
      return SUCCESS;
    }),
    DescribeCollection: rpc('DescribeCollection', (request) => {
      const stored = collectionOf(request);
      if (!stored) return { status: notFound(String(request['collection_name'])) };
      return {
        status: SUCCESS,
        schema: stored.schema,
        collection_name: request['collection_name'],
        consistency_level: 'Strong',
        properties: [],
      };
    }),
    ShowCollections: rpc('ShowCollections', () => ({
      status: SUCCESS,
      collection_names: [...collections.keys()],
      collection_ids: [...collections.keys()].map((_, index) => String(index + 1)),
      created_utc_timestamps: [...collections.keys()].map(() => '0'),
      inMemory_percentages: [...collections.keys()].map(() => '100'),
    })),
    DropCollection: rpc('DropCollection', (request) => {
      collections.delete(String(request['collection_name']));
      return SUCCESS;
    }),
    CreateIndex: rpc('CreateIndex', (request) => {
      const stored = collectionOf(request);
      if (!stored) return notFound(String(request['collection_name']));
      stored.indexes.push(request);
      return SUCCESS;
    }),
    DescribeIndex: rpc('DescribeIndex', (request) => {
      const stored = collectionOf(request);
      if (!stored) return { status: notFound(String(request['collection_name'])) };
      const field = request['field_name'];
      return {
        status: SUCCESS,
        index_descriptions: stored.indexes
          .filter((index) => !field || index['field_name'] === field)
          .map((index) => ({
            index_name: index['index_name'],
            field_name: index['field_name'],
            params: index['extra_params'],
            state: 'Finished',
          })),
      };
    }),
    LoadCollection: rpc('LoadCollection', (request) =>
      collectionOf(request) ? SUCCESS : notFound(String(request['collection_name'])),
    ),
    GetLoadingProgress: rpc('GetLoadingProgress', () => ({ status: SUCCESS, progress: '100' })),
    Upsert: rpc('Upsert', (request) => {
      const stored = collectionOf(request);
      if (!stored) return { status: notFound(String(request['collection_name'])) };
      const rows = rowsOf(request['fields_data'] as FieldColumn[], Number(request['num_rows']));
      for (const row of rows) stored.rows.set(String(row['id']), row);
      return {
        status: SUCCESS,
        upsert_cnt: String(rows.length),
        IDs: { str_id: { data: rows.map((row) => row['id']) } },
      };
    }),
    Query: rpc('Query', (request) => {
      const stored = collectionOf(request);
      if (!stored) return { status: notFound(String(request['collection_name'])) };
      const ids = idsIn(String(request['expr']));
      if (!ids)
        return {
          status: {
            error_code: 'UnexpectedError',
            code: 1100,
            reason: 'loopback queries only id in [...]',
          },
        };
      const found = ids.filter((id) => stored.rows.has(id));
      return {
        status: SUCCESS,
        output_fields: ['id'],
        fields_data: [
          { type: 'VarChar', field_name: 'id', scalars: { string_data: { data: found } } },
        ],
      };
    }),
    Delete: rpc('Delete', (request) => {
      const stored = collectionOf(request);
      if (!stored) return { status: notFound(String(request['collection_name'])) };
      // As Milvus: a primary-key delete counts the keys given; others count what matched.
      const ids = idsIn(String(request['expr']));
      ids?.forEach((id) => stored.rows.delete(id));
      return { status: SUCCESS, delete_cnt: String(ids ? ids.length : state.deleteCount) };
    }),
    Search: rpc('Search', (request) => search(request, String(request['collection_name']))),
    HybridSearch: rpc('HybridSearch', (request) => {
      const rank = keyValues(request['rank_params']);
      return search(
        { ...request, search_params: [{ key: 'topk', value: rank['limit'] ?? '10' }] },
        String(request['collection_name']),
      );
    }),
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });

  return {
    address: `127.0.0.1:${port}`,
    requests,
    requestsOf: (method) =>
      requests.filter((entry) => entry.method === method).map((entry) => entry.request),
    decodeSchema,
    decodePlaceholders: decoder(definition, 'DecodePlaceholders'),
    get searchScores() {
      return state.searchScores;
    },
    set searchScores(scores: number[]) {
      state.searchScores = scores;
    },
    get deleteCount() {
      return state.deleteCount;
    },
    set deleteCount(count: number) {
      state.deleteCount = count;
    },
    get version() {
      return state.version;
    },
    set version(version: string) {
      state.version = version;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
      }),
  };
}
