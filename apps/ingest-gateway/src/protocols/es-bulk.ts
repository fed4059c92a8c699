import { ProtocolError } from './errors';
import { aliasedFields, aliasQuery } from '@millrace/field-aliases';
import { boundTags, isObject, type Fields } from './fields';
import { ResultBuilder, type LineInput } from './result';
import { bodyText, isBlank, tryParseJson } from './text';
import { pathParam, type DecodeContext, type DecodeResult } from './types';

export type BulkAction = 'index' | 'create' | 'update' | 'delete';

export interface BulkItemError {
  type: string;
  reason: string;
}

/** One action of the bulk request, in order: either a line (`line` indexes `lines`) or an error. */
export interface BulkItem {
  action: BulkAction;
  index: string;
  id?: string;
  /** Index into `DecodeResult.lines` when the document was accepted. */
  line?: number;
  /** Set when the item was refused; `status` is its HTTP status. */
  error?: BulkItemError & { status: number };
}

export interface EsBulkResult extends DecodeResult {
  items: BulkItem[];
}

const ACTIONS: readonly string[] = ['index', 'create', 'update', 'delete'];
const SOURCE_ALIASES = aliasQuery();
// Daily/monthly suffixes of rolled indices (`logstash-2024.01.31`, `app-2024-01-31`) do not name the app.
const INDEX_DATE_SUFFIX = /[-_.]\d{4}([-.]\d{2}){1,2}$/;
const DEFAULT_INDEX = '_bulk';
const SETUP_PATH = /^\/(_index_template|_template|_ilm\/policy|_ingest\/pipeline|_data_stream|_component_template)\/[^/]+$/;
const INDEX_PATH = /^\/[^_/][^/]*(\/_alias\/[^/]+)?$/;
const ALIAS_PATH = /^\/_alias\/[^/]+$/;

/**
 * Elasticsearch `_bulk` (`POST /_bulk`, `POST /{index}/_bulk`): NDJSON action/source pairs.
 * `index` and `create` are accepted; `update` and `delete` are answered per item with 400
 * `illegal_argument_exception` (logs are append-only). A source that is not a JSON object is
 * a per-item 400 `mapper_parsing_exception`; a malformed action line fails the whole request
 * as Elasticsearch does.
 *
 * Context: `params.index` (the URL index).
 * Mapping of a source document, by the field-alias table (`@millrace/field-aliases`):
 * - line: the message field (`message`, `msg`, `log`, syslog-ng's `MESSAGE`…); without one,
 *   the source JSON text (the parser reads it with the same table).
 * - ts, host, level, tags: their alias fields (`@timestamp`, `host.name`, `log.level`…).
 * - app: its alias fields (`app`, `service.name`, `kubernetes.container_name`, `PROGRAM`…);
 *   else the action's `_index` or the URL index, date suffix removed.
 * - meta: the source without the fields used for line, ts and level (and flat app/host names),
 *   trace context and Kubernetes metadata under their canonical names, plus `es_index`.
 */
export function decodeEsBulk(body: Buffer, ctx: DecodeContext): EsBulkResult {
  const text = bodyText(body);
  const urlIndex = pathParam(ctx, 'index');
  const out = new ResultBuilder();
  const items: BulkItem[] = [];
  let lineNo = 0;
  let pos = 0;

  const nextLine = (): string | undefined => {
    while (pos < text.length) {
      let end = text.indexOf('\n', pos);
      if (end < 0) end = text.length;
      const line = text.slice(pos, end);
      pos = end + 1;
      lineNo++;
      if (!isBlank(line)) return line;
    }
    return undefined;
  };

  for (let actionLine = nextLine(); actionLine !== undefined; actionLine = nextLine()) {
    const parsed = tryParseJson(actionLine);
    if ('error' in parsed || !isObject(parsed.value)) {
      throw new ProtocolError(400, `Malformed action/metadata line [${lineNo}], expected START_OBJECT${'error' in parsed ? `: ${parsed.error}` : ''}`);
    }
    const keys = Object.keys(parsed.value);
    const action = keys[0];
    if (keys.length !== 1 || !ACTIONS.includes(action)) {
      throw new ProtocolError(400, `Malformed action/metadata line [${lineNo}], expected field [create], [delete], [index] or [update] but found [${keys.join(',').slice(0, 60)}]`);
    }
    const meta = parsed.value[action];
    if (!isObject(meta)) throw new ProtocolError(400, `Malformed action/metadata line [${lineNo}], expected START_OBJECT after [${action}]`);
    const index = stringOf(meta._index) ?? urlIndex ?? DEFAULT_INDEX;
    const item: BulkItem = { action: action as BulkAction, index };
    const id = stringOf(meta._id);
    if (id !== undefined) item.id = id;
    items.push(item);
    const itemIndex = items.length - 1;

    if (action === 'delete') {
      refuse(out, item, itemIndex, 'illegal_argument_exception', 'delete is not supported: logs are append-only');
      continue;
    }
    const sourceLine = nextLine();
    if (sourceLine === undefined) {
      refuse(out, item, itemIndex, 'action_request_validation_exception', `Validation Failed: 1: no source line after the [${action}] action on line [${lineNo}]`);
      break;
    }
    if (action === 'update') {
      refuse(out, item, itemIndex, 'illegal_argument_exception', 'update is not supported: logs are append-only');
      continue;
    }
    const source = tryParseJson(sourceLine);
    if ('error' in source || !isObject(source.value)) {
      refuse(out, item, itemIndex, 'mapper_parsing_exception', `failed to parse: line [${lineNo}]: ${'error' in source ? source.error : 'the document is not a JSON object'}`);
      continue;
    }
    item.line = out.lines.length;
    out.add(mapSource(source.value, sourceLine, index));
  }
  return { ...out.result(), items };
}

export interface EsDocumentResult extends DecodeResult {
  index: string;
  /** The id from the path (`_doc/{id}`, `_create/{id}`), when given. */
  id?: string;
}

/**
 * One document of the index API: `POST /{index}/_doc`, `PUT|POST /{index}/_doc/{id}`,
 * `PUT|POST /{index}/_create/{id}` (what `client.index()` of the official clients sends).
 * Context: `params.index`, `params.id`. The document is mapped like a `_bulk` source; a body
 * that is not a JSON object is a 400 `mapper_parsing_exception`, as Elasticsearch answers.
 */
export function decodeEsDocument(body: Buffer, ctx: DecodeContext): EsDocumentResult {
  const index = pathParam(ctx, 'index') ?? DEFAULT_INDEX;
  const id = pathParam(ctx, 'id');
  const text = bodyText(body);
  const parsed = tryParseJson(text);
  if ('error' in parsed || !isObject(parsed.value)) {
    const reason = 'error' in parsed ? `failed to parse: ${parsed.error}` : 'failed to parse: the document is not a JSON object';
    throw new ProtocolError(400, reason, { esType: 'mapper_parsing_exception' });
  }
  const out = new ResultBuilder();
  out.add(mapSource(parsed.value, text, index));
  return { ...out.result(), index, ...(id !== undefined ? { id: id.slice(0, 512) } : {}) };
}

/** The index API's answer for a stored document (201). */
export function esDocumentResponse(index: string, id: string): Record<string, unknown> {
  return {
    _index: index, _id: id, _version: 1, result: 'created',
    _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1,
  };
}

function refuse(out: ResultBuilder, item: BulkItem, index: number, type: string, reason: string): void {
  item.error = { status: 400, type, reason };
  out.reject(index, `${type}: ${reason}`);
}

function mapSource(doc: Fields, raw: string, index: string): LineInput {
  const aliases = SOURCE_ALIASES.resolve(doc);
  const message = aliases.message?.value;
  const app = aliases.app?.value ?? index.replace(INDEX_DATE_SUFFIX, '');
  return {
    // Without a message field the line is the source itself, which the parser reads as JSON
    // with the same alias table.
    line: message ?? raw.trim(),
    ts: aliases.timestamp?.value,
    host: aliases.host?.value,
    app: app === DEFAULT_INDEX ? undefined : app,
    level: aliases.level?.value,
    tags: aliases.tags !== undefined ? boundTags(aliases.tags.value) : undefined,
    // The source minus the fields used for message, time and level (and flat app/host
    // names), trace context and Kubernetes metadata under their canonical names.
    meta: message !== undefined ? aliasedFields(doc, aliases) : undefined,
    metaExtra: message !== undefined ? { es_index: index } : undefined,
  };
}

function stringOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value.slice(0, 512);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

// ---------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------

export interface BulkOutcome {
  /** Milliseconds spent, for `took`. */
  tookMs: number;
  /** The accepted lines could not be stored (e.g. the buffer is full): every accepted item gets this error. */
  failure?: { status: number; type: string; reason: string };
  /** The id to report for an accepted line without `_id` (e.g. batch id + line index). */
  idFor?: (line: number) => string;
}

/**
 * The Elasticsearch-shaped `_bulk` response: `{took, errors, items:[{<action>: {...}}]}`.
 * Beats, Logstash and Vector retry items by their status (429 and 5xx), Fluent Bit looks at
 * `errors`.
 */
export function bulkResponse(items: readonly BulkItem[], outcome: BulkOutcome): { took: number; errors: boolean; items: Record<string, unknown>[] } {
  let errors = false;
  let seqNo = 0;
  const out = items.map((item) => {
    const id = item.id ?? (item.line !== undefined && outcome.idFor ? outcome.idFor(item.line) : undefined);
    const error = item.error ?? (outcome.failure && item.line !== undefined ? outcome.failure : undefined);
    let entry: Record<string, unknown>;
    if (error !== undefined) {
      errors = true;
      entry = { _index: item.index, _id: id ?? null, status: error.status, error: { type: error.type, reason: error.reason } };
    } else {
      entry = {
        _index: item.index,
        _id: id ?? null,
        _version: 1,
        result: 'created',
        _shards: { total: 1, successful: 1, failed: 0 },
        _seq_no: seqNo++,
        _primary_term: 1,
        status: 201,
      };
    }
    return { [item.action]: entry };
  });
  return { took: Math.max(0, Math.round(outcome.tookMs)), errors, items: out };
}

/** Send on every Elasticsearch-compatible response: official clients since 7.14 check it. */
export const ES_PRODUCT_HEADERS: Readonly<Record<string, string>> = { 'x-elastic-product': 'Elasticsearch' };

export const ES_COMPAT_VERSION = {
  number: '8.11.0',
  build_flavor: 'default',
  build_type: 'docker',
  build_hash: '0000000000000000000000000000000000000000',
  build_date: '2023-11-04T10:04:57.184859352Z',
  build_snapshot: false,
  lucene_version: '9.8.0',
  minimum_wire_compatibility_version: '7.17.0',
  minimum_index_compatibility_version: '7.0.0',
} as const;

/**
 * `GET /` body. Filebeat and Logstash read `version.number` (major 8: `_bulk` without types);
 * Vector's `api_version: auto` does the same; the elasticsearch-py/-js/-go clients also check
 * `tagline`, `build_flavor: default` and the `X-Elastic-Product` header.
 */
export function esRootInfo(options: { name?: string; clusterName?: string; clusterUuid?: string } = {}): Record<string, unknown> {
  return {
    name: options.name ?? 'millrace-ingest',
    cluster_name: options.clusterName ?? 'millrace',
    cluster_uuid: options.clusterUuid ?? 'millrace-ingest-compat',
    version: { ...ES_COMPAT_VERSION },
    tagline: 'You Know, for Search',
  };
}

const LICENSE = {
  status: 'active',
  uid: '00000000-0000-4000-8000-000000000000',
  type: 'basic',
  issue_date: '2023-01-01T00:00:00.000Z',
  issue_date_in_millis: 1672531200000,
  max_nodes: 1000,
  max_resource_units: null,
  issued_to: 'millrace',
  issuer: 'elasticsearch',
  start_date_in_millis: -1,
};

export interface EsCompatResponse {
  status: number;
  body: unknown;
}

/**
 * Answers for the non-ingest calls shippers make to an Elasticsearch endpoint, or
 * `undefined` for paths that are not ours (the HTTP layer answers 404). `path` excludes the
 * query string. HEAD answers carry no body.
 * - `GET|HEAD /`: `esRootInfo()` (version probe).
 * - `GET /_license`, `GET /_xpack`: an active basic license (Beats refuse to connect without).
 * - `GET /_cluster/health`: green (Vector's health check).
 * - `GET|HEAD /_index_template/*`, `/_template/*`, `/_ilm/policy/*`, `/_ingest/pipeline/*`,
 *   `/_data_stream/*`, `/{index}`, `/{index}/_alias/*`, `/_alias/*`: exist (so setup does not try to create them).
 * - `PUT|POST` of the same: `{"acknowledged": true}` (accepted and ignored).
 */
export function esCompatResponse(method: string, path: string): EsCompatResponse | undefined {
  const m = method.toUpperCase();
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const head = m === 'HEAD';
  if (p === '/' || p === '') return m === 'GET' || head ? { status: 200, body: head ? undefined : esRootInfo() } : undefined;
  if (p === '/_license' && (m === 'GET' || head)) return { status: 200, body: head ? undefined : { license: LICENSE } };
  if (p === '/_xpack' && (m === 'GET' || head)) {
    return {
      status: 200,
      body: head ? undefined : {
        build: { hash: ES_COMPAT_VERSION.build_hash, date: ES_COMPAT_VERSION.build_date },
        license: { uid: LICENSE.uid, type: 'basic', mode: 'basic', status: 'active' },
        features: {
          ilm: { available: true, enabled: true },
          security: { available: true, enabled: false },
          monitoring: { available: true, enabled: false },
        },
      },
    };
  }
  if (p === '/_cluster/health' && (m === 'GET' || head)) {
    return { status: 200, body: head ? undefined : { cluster_name: 'millrace', status: 'green', timed_out: false, number_of_nodes: 1, number_of_data_nodes: 1 } };
  }
  const setup = SETUP_PATH.exec(p);
  if (setup !== null || INDEX_PATH.test(p) || ALIAS_PATH.test(p)) {
    if (head) return { status: 200, body: undefined };
    if (m === 'PUT' || m === 'POST') return { status: 200, body: { acknowledged: true } };
    if (m === 'GET') {
      const name = p.slice(p.lastIndexOf('/') + 1);
      switch (setup?.[1]) {
        case '_index_template':
          return { status: 200, body: { index_templates: [{ name, index_template: { index_patterns: [`${name}*`], template: {}, composed_of: [] } }] } };
        case '_ilm/policy':
          return { status: 200, body: { [name]: { version: 1, modified_date: LICENSE.issue_date, policy: { phases: {} } } } };
        default:
          return { status: 200, body: { [name]: {} } };
      }
    }
  }
  return undefined;
}
