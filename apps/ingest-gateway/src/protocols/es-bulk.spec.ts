import * as zlib from 'node:zlib';
import { LIMITS, rawLineSchema, type RawLine } from '@millrace/log-schema';
import { decompressBody } from './decompress';
import { bulkResponse, decodeEsBulk, ES_PRODUCT_HEADERS, esCompatResponse, esRootInfo } from './es-bulk';
import type { DecodeContext, DecodeResult } from './types';

function wellFormed(result: DecodeResult): RawLine[] {
  for (const line of result.lines) {
    expect(rawLineSchema.safeParse(line).success).toBe(true);
    expect(Buffer.byteLength(line.line)).toBeLessThanOrEqual(LIMITS.maxLineBytes);
  }
  return result.lines;
}

const ndjson = (...docs: unknown[]): Buffer => Buffer.from(`${docs.map((d) => (typeof d === 'string' ? d : JSON.stringify(d))).join('\n')}\n`);

describe('Elasticsearch _bulk', () => {
  it('maps a Filebeat (ECS) request', () => {
    const body = ndjson(
      { create: { _index: 'filebeat-8.11.0' } },
      { '@timestamp': '2024-01-31T10:00:00.000Z', message: '127.0.0.1 - - "GET / HTTP/1.1" 200', host: { name: 'web-1', os: { family: 'debian' } }, log: { level: 'info', file: { path: '/var/log/nginx/access.log' } }, ecs: { version: '8.0.0' }, tags: ['nginx', 'prod'] },
    );
    const result = decodeEsBulk(body, {});
    expect(wellFormed(result)).toEqual([{
      line: '127.0.0.1 - - "GET / HTTP/1.1" 200',
      ts: '2024-01-31T10:00:00.000Z',
      host: 'web-1',
      app: 'filebeat-8.11.0',
      level: 'info',
      tags: ['nginx', 'prod'],
      // The fields used for the message, time, level and tags are not kept twice; host.name is
      // part of the host object and stays.
      meta: {
        host: { name: 'web-1', os: { family: 'debian' } }, log: { file: { path: '/var/log/nginx/access.log' } },
        ecs: { version: '8.0.0' }, es_index: 'filebeat-8.11.0',
      },
    }]);
    expect(result.items).toEqual([{ action: 'create', index: 'filebeat-8.11.0', line: 0 }]);
  });

  it('maps a Fluent Bit kubernetes record (log field, container name as app)', () => {
    const body = ndjson(
      { index: { _index: 'fluent-bit', _type: '_doc' } },
      { '@timestamp': '2024-01-31T10:00:01.5Z', log: 'level=error msg="db down"\n', stream: 'stderr', kubernetes: { pod_name: 'api-7d9', namespace_name: 'prod', container_name: 'api', host: 'node-3' } },
    );
    const [line] = wellFormed(decodeEsBulk(body, {}));
    expect(line).toMatchObject({ line: 'level=error msg="db down"\n', app: 'api', ts: '2024-01-31T10:00:01.5Z', meta: { stream: 'stderr', es_index: 'fluent-bit' } });
    expect(line.meta!.log).toBeUndefined();
  });

  it('maps syslog-ng’s elasticsearch-http default template (upper-case names, PRIORITY)', () => {
    const body = ndjson(
      { index: { _index: 'syslog-ng' } },
      { PROGRAM: 'inventory', PRIORITY: 'err', PID: '4711', MESSAGE: 'disk full', HOST: 'web-1', FACILITY: 'local3', ISODATE: '2024-05-01T10:00:00+00:00', '@timestamp': '2024-05-01T10:00:00+00:00' },
    );
    expect(wellFormed(decodeEsBulk(body, {}))).toEqual([{
      line: 'disk full', app: 'inventory', host: 'web-1', level: 'error', ts: '2024-05-01T10:00:00+00:00',
      meta: { PID: '4711', FACILITY: 'local3', ISODATE: '2024-05-01T10:00:00+00:00', es_index: 'syslog-ng' },
    }]);
  });

  it('stores Kubernetes metadata and trace context under their canonical names', () => {
    const body = ndjson(
      { index: { _index: 'vector' } },
      { message: 'x', timestamp: '2024-05-01T10:00:00Z', trace: { id: 't-1' }, kubernetes: { pod_name: 'p-1', pod_namespace: 'prod', container_name: 'api', pod_labels: { 'app.kubernetes.io/name': 'api' } } },
    );
    expect(wellFormed(decodeEsBulk(body, {}))[0]).toMatchObject({
      app: 'api',
      meta: { trace_id: 't-1', 'k8s.pod.name': 'p-1', 'k8s.namespace.name': 'prod', 'k8s.container.name': 'api', 'k8s.pod.labels': { 'app_kubernetes_io/name': 'api' }, es_index: 'vector' },
    });
  });

  it('maps Logstash and Vector requests: dated index names lose their date, _id is kept', () => {
    const body = ndjson(
      { index: { _index: 'logstash-2024.01.31', _id: 'abc' } },
      { '@timestamp': '2024-01-31T10:00:00Z', message: 'one', host: 'web-3', level: 'WARN' },
      { index: { _index: 'vector-2024-01-31' } },
      { timestamp: '2024-01-31T10:00:00Z', message: 'two', hostname: 'web-4', service: { name: 'checkout' } },
    );
    const result = decodeEsBulk(body, {});
    expect(wellFormed(result).map((l) => [l.app, l.host, l.level, l.ts])).toEqual([
      ['logstash', 'web-3', 'warn', '2024-01-31T10:00:00Z'],
      ['checkout', 'web-4', undefined, '2024-01-31T10:00:00Z'],
    ]);
    expect(result.items.map((i) => i.id)).toEqual(['abc', undefined]);
  });

  it('uses the URL index, and keeps the whole source as the line when there is no message', () => {
    const ctx: DecodeContext = { params: { index: 'myapp' } };
    const result = decodeEsBulk(ndjson({ index: {} }, { action: 'signup', user: 7 }), ctx);
    expect(wellFormed(result)).toEqual([{ line: '{"action":"signup","user":7}', app: 'myapp' }]);
    expect(result.items[0].index).toBe('myapp');
  });

  it('answers update and delete per item like Elasticsearch, and keeps going', () => {
    const body = ndjson(
      { update: { _index: 'x', _id: '1' } }, { doc: { a: 1 } },
      { delete: { _index: 'x', _id: '2' } },
      { index: { _index: 'x' } }, { message: 'kept' },
    );
    const result = decodeEsBulk(body, {});
    expect(result.lines.map((l) => l.line)).toEqual(['kept']);
    expect(result.items).toEqual([
      { action: 'update', index: 'x', id: '1', error: { status: 400, type: 'illegal_argument_exception', reason: 'update is not supported: logs are append-only' } },
      { action: 'delete', index: 'x', id: '2', error: { status: 400, type: 'illegal_argument_exception', reason: 'delete is not supported: logs are append-only' } },
      { action: 'index', index: 'x', line: 0 },
    ]);
    expect(result.rejected.map((r) => r.index)).toEqual([0, 1]);
  });

  it('answers a source that is not a JSON object with a per-item mapper_parsing_exception', () => {
    const result = decodeEsBulk(ndjson({ index: { _index: 'x' } }, '{"message": broken', { index: { _index: 'x' } }, '[1,2]', { index: { _index: 'x' } }, { message: 'ok' }), {});
    expect(result.items[0].error).toMatchObject({ status: 400, type: 'mapper_parsing_exception', reason: expect.stringMatching(/^failed to parse: line \[2\]: invalid JSON/) });
    expect(result.items[1].error).toMatchObject({ type: 'mapper_parsing_exception', reason: 'failed to parse: line [4]: the document is not a JSON object' });
    expect(result.items[2].line).toBe(0);
  });

  it('refuses an action without its source line', () => {
    const result = decodeEsBulk(Buffer.from('{"index":{"_index":"x"}}\n'), {});
    expect(result.items[0].error).toMatchObject({ type: 'action_request_validation_exception' });
    expect(result.lines).toEqual([]);
  });

  it('answers 400 for a malformed action line, naming the line', () => {
    expect(() => decodeEsBulk(ndjson({ index: {} }, { message: 'a' }, '{"index": '), {})).toThrow(
      expect.objectContaining({ name: 'ProtocolError', status: 400, message: expect.stringMatching(/^Malformed action\/metadata line \[3\], expected START_OBJECT: invalid JSON/) }),
    );
    expect(() => decodeEsBulk(ndjson({ upsert: {} }), {})).toThrow(
      expect.objectContaining({ status: 400, message: 'Malformed action/metadata line [1], expected field [create], [delete], [index] or [update] but found [upsert]' }),
    );
    expect(() => decodeEsBulk(ndjson({ index: 'x' }), {})).toThrow(expect.objectContaining({ status: 400 }));
    expect(() => decodeEsBulk(ndjson('"just a string"'), {})).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('accepts CRLF, blank lines and a missing final newline; decodes gzip via decompressBody', () => {
    const body = '{"index":{"_index":"a"}}\r\n\r\n{"message":"x"}\r\n{"index":{"_index":"a"}}\n{"message":"y"}';
    expect(decodeEsBulk(Buffer.from(body), {}).lines.map((l) => l.line)).toEqual(['x', 'y']);
    expect(decodeEsBulk(decompressBody(zlib.gzipSync(body), 'gzip', 1e6), {}).lines).toHaveLength(2);
  });

  it('bounds the source kept in meta', () => {
    const source: Record<string, unknown> = { message: 'm' };
    for (let i = 0; i < 300; i++) source[`f${i}`] = i;
    const result = decodeEsBulk(ndjson({ index: { _index: 'x' } }, source), {});
    wellFormed(result);
    expect(Object.keys(result.lines[0].meta!)).toHaveLength(LIMITS.maxFields);
    expect(result.fieldsDropped).toBe(301 - LIMITS.maxFields);
  });

  it('answers 413 past 50,000 items', () => {
    const pair = '{"index":{}}\n{"message":"x"}\n';
    expect(() => decodeEsBulk(Buffer.from(pair.repeat(50_001)), {})).toThrow(expect.objectContaining({ status: 413, message: 'too many lines: 50001 > 50000' }));
  });
});

describe('bulk responses and probes', () => {
  it('builds the Elasticsearch-shaped response', () => {
    const { items } = decodeEsBulk(ndjson({ create: { _index: 'a', _id: 'given' } }, { message: 'x' }, { index: { _index: 'a' } }, { message: 'y' }, { delete: { _index: 'a', _id: 'z' } }), {});
    const response = bulkResponse(items, { tookMs: 12.4, idFor: (line) => `batch-${line}` });
    expect(response).toEqual({
      took: 12,
      errors: true,
      items: [
        { create: { _index: 'a', _id: 'given', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 0, _primary_term: 1, status: 201 } },
        { index: { _index: 'a', _id: 'batch-1', _version: 1, result: 'created', _shards: { total: 1, successful: 1, failed: 0 }, _seq_no: 1, _primary_term: 1, status: 201 } },
        { delete: { _index: 'a', _id: 'z', status: 400, error: { type: 'illegal_argument_exception', reason: 'delete is not supported: logs are append-only' } } },
      ],
    });
    expect(bulkResponse(items.slice(0, 2), { tookMs: 1 }).errors).toBe(false);
  });

  it('marks every accepted item with the failure when the lines could not be stored', () => {
    const { items } = decodeEsBulk(ndjson({ index: { _index: 'a' } }, { message: 'x' }), {});
    const response = bulkResponse(items, { tookMs: 3, failure: { status: 429, type: 'es_rejected_execution_exception', reason: 'ingest buffer full' } });
    expect(response.errors).toBe(true);
    expect(response.items[0]).toEqual({ index: { _index: 'a', _id: null, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'ingest buffer full' } } });
  });

  it('answers the version probe as Elasticsearch 8.11 would', () => {
    const info = esRootInfo() as { version: Record<string, unknown>; tagline: string };
    expect(info.tagline).toBe('You Know, for Search');
    expect(info.version).toMatchObject({ number: '8.11.0', build_flavor: 'default', lucene_version: expect.any(String), minimum_wire_compatibility_version: expect.any(String) });
    expect(Number((info.version.number as string).split('.')[0])).toBe(8);
    expect(ES_PRODUCT_HEADERS['x-elastic-product']).toBe('Elasticsearch');
  });

  it('answers the setup calls shippers make', () => {
    expect(esCompatResponse('GET', '/')).toEqual({ status: 200, body: esRootInfo() });
    expect(esCompatResponse('HEAD', '/')).toEqual({ status: 200, body: undefined });
    expect(esCompatResponse('GET', '/_license')!.body).toMatchObject({ license: { status: 'active', type: 'basic' } });
    expect(esCompatResponse('GET', '/_xpack')!.body).toMatchObject({ license: { mode: 'basic', status: 'active' }, features: { ilm: { available: true } } });
    expect(esCompatResponse('GET', '/_cluster/health')!.body).toMatchObject({ status: 'green' });
    expect(esCompatResponse('HEAD', '/_index_template/filebeat-8.11.0')).toEqual({ status: 200, body: undefined });
    expect(esCompatResponse('PUT', '/_index_template/logstash')).toEqual({ status: 200, body: { acknowledged: true } });
    expect(esCompatResponse('GET', '/_ilm/policy/filebeat')!.body).toHaveProperty('filebeat');
    expect(esCompatResponse('PUT', '/_ingest/pipeline/p')).toEqual({ status: 200, body: { acknowledged: true } });
    expect(esCompatResponse('HEAD', '/logs-app-default')).toEqual({ status: 200, body: undefined });
    expect(esCompatResponse('GET', '/_nodes/stats')).toBeUndefined();
    expect(esCompatResponse('DELETE', '/_index_template/x')).toBeUndefined();
    expect(esCompatResponse('POST', '/')).toBeUndefined();
  });
});
