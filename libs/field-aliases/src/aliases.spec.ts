import { aliasedFields, canonicalFields, resolveAliases, withCanonicalFields, withoutHits } from './aliases';

describe('resolveAliases', () => {
  it('reads syslog-ng elasticsearch-http’s default template (upper-case names, PRIORITY)', () => {
    const doc = { PROGRAM: 'inventory', PRIORITY: 'err', PID: '42', MESSAGE: 'disk full', HOST: 'web-1', FACILITY: 'local3', ISODATE: '2024-05-01T10:00:00+00:00', '@timestamp': '2024-05-01T10:00:00+00:00' };
    const a = resolveAliases(doc);
    expect([a.message?.value, a.app?.value, a.host?.value, a.level?.value, a.timestamp?.value]).toEqual(['disk full', 'inventory', 'web-1', 'error', '2024-05-01T10:00:00+00:00']);
    expect(aliasedFields(doc, a)).toEqual({ PID: '42', FACILITY: 'local3', ISODATE: '2024-05-01T10:00:00+00:00' });
  });

  it('reads ECS documents, nested or with dotted keys, and keeps schema names used for app and host', () => {
    const nested = { '@timestamp': 1714557600000, message: 'm', log: { level: 'WARN', logger: 'x' }, service: { name: 'ledger' }, host: { name: 'h1', ip: ['10.0.0.1'] } };
    const a = resolveAliases(nested);
    expect([a.level?.value, a.app?.value, a.host?.value, a.timestamp?.value]).toEqual(['warn', 'ledger', 'h1', 1714557600000]);
    expect(a.app?.keep).toBe(true);
    expect(aliasedFields(nested, a)).toEqual({ log: { logger: 'x' }, service: { name: 'ledger' }, host: { name: 'h1', ip: ['10.0.0.1'] } });
    const dotted = { 'log.level': 'error', 'service.name': 'api', 'host.name': 'h2', 'trace.id': 'abc', msg: 'x' };
    const b = resolveAliases(dotted);
    expect([b.level?.value, b.app?.value, b.host?.value, b.message?.value]).toEqual(['error', 'api', 'h2', 'x']);
    expect(aliasedFields(dotted, b)).toEqual({ 'service.name': 'api', 'host.name': 'h2', trace_id: 'abc' });
    expect(dotted).toEqual({ 'log.level': 'error', 'service.name': 'api', 'host.name': 'h2', 'trace.id': 'abc', msg: 'x' });
  });

  it('takes the first name of a role’s list that holds a usable value', () => {
    expect(resolveAliases({ msg: 'second', message: 'first' }).message?.value).toBe('first');
    expect(resolveAliases({ message: { text: 'object' }, log: 'fluent bit' }).message?.value).toBe('fluent bit');
    expect(resolveAliases({ level: { x: 1 }, severity: 'ERROR' }).level?.value).toBe('error');
    expect(resolveAliases({ time: 'soon', ts: 1714557600 }).timestamp?.value).toBe(1714557600);
    expect(resolveAliases({ host: { name: 'n' }, hostname: 'flat' }).host?.value).toBe('flat');
  });

  it('reads levels from words, numbers, syslog priorities and OpenTelemetry severity numbers', () => {
    const level = (doc: Record<string, unknown>) => resolveAliases(doc).level?.value;
    expect(level({ level: 50 })).toBe('error');
    expect(level({ severity: 'warning' })).toBe('warn');
    expect(level({ PRIORITY: '6' })).toBe('info');
    expect(level({ priority: 'notice' })).toBe('info');
    expect(level({ priority: 'high' })).toBeUndefined();
    expect(level({ severity_number: 17 })).toBe('error');
    expect(level({ pri: 134 })).toBe('info');
    expect(level({ detected_level: 'debug' })).toBe('debug');
    expect(level({ '@l': 'Warning' })).toBe('warn');
  });

  it('reads journald, Docker and Fluent Bit names', () => {
    const journald = resolveAliases({ MESSAGE: 'started', PRIORITY: '3', _HOSTNAME: 'node-1', SYSLOG_IDENTIFIER: 'sshd', __REALTIME_TIMESTAMP: '1714557600123456' });
    expect([journald.message?.value, journald.level?.value, journald.host?.value, journald.app?.value, journald.timestamp?.value]).toEqual(['started', 'error', 'node-1', 'sshd', '1714557600123456']);
    expect(resolveAliases({ log: 'x', container_name: '/web-1' }).app?.value).toBe('web-1');
    expect(resolveAliases({ log: 'x', date: 1714557600.25 }).timestamp?.value).toBe(1714557600.25);
  });

  it('treats OpenTelemetry’s unknown_service as no service name', () => {
    expect(resolveAliases({ 'service.name': 'unknown_service:node', 'k8s.container.name': 'api' }).app?.value).toBe('api');
  });

  it('reads Loki label sets, with the label-only names', () => {
    const labels = { application: 'shop', severity: 'warning', logger: 'root', job: 'x', instance: 'i-1', pod: 'p-1', namespace: 'prod' };
    const a = resolveAliases(labels, { labels: true });
    expect([a.app?.value, a.level?.value, a.host?.value]).toEqual(['shop', 'warn', 'i-1']);
    expect(aliasedFields(labels, a)).toEqual({ logger: 'root', job: 'x', 'k8s.pod.name': 'p-1', 'k8s.namespace.name': 'prod' });
    // Not in documents: `pod` and `job` are too generic there.
    const doc = resolveAliases({ job: 'backup', pod: 'x' });
    expect([doc.app, doc.canonical]).toEqual([undefined, undefined]);
  });

  it('is case-insensitive and prototype-safe', () => {
    expect(resolveAliases({ Message: 'x', HostName: 'h' }).host?.value).toBe('h');
    const hostile = JSON.parse('{"__proto__": {"level": "error"}, "constructor": "x", "message": "m"}');
    const a = resolveAliases(hostile);
    expect(a.level).toBeUndefined();
    expect(Object.getPrototypeOf(aliasedFields(hostile, a))).toBe(Object.prototype);
    expect(Object.keys(aliasedFields(hostile, a))).toEqual(['__proto__', 'constructor']);
  });

  it('looks only for the roles asked', () => {
    expect(resolveAliases({ message: 'm', level: 'info' }, { roles: ['level'] })).toEqual({ level: expect.objectContaining({ value: 'info' }) });
  });
});

describe('Kubernetes metadata in the same k8s.* fields whichever shipper sent it', () => {
  const expected = {
    'k8s.pod.name': 'api-7d9', 'k8s.namespace.name': 'prod', 'k8s.container.name': 'api', 'k8s.node.name': 'node-3',
    'k8s.pod.labels': { app: 'api', 'app_kubernetes_io/name': 'api' },
  };
  const labels = { app: 'api', 'app.kubernetes.io/name': 'api' };

  it('from Fluent Bit’s kubernetes filter', () => {
    const doc = { log: 'x', kubernetes: { pod_name: 'api-7d9', namespace_name: 'prod', container_name: 'api', host: 'node-3', labels } };
    const a = resolveAliases(doc);
    expect(a.app?.value).toBe('api');
    expect(aliasedFields(doc, a)).toEqual(expected);
  });

  it('from Vector’s kubernetes_logs source', () => {
    const doc = { message: 'x', kubernetes: { pod_name: 'api-7d9', pod_namespace: 'prod', container_name: 'api', pod_node_name: 'node-3', pod_labels: labels } };
    expect(aliasedFields(doc, resolveAliases(doc))).toEqual(expected);
  });

  it('from ECS (Filebeat)', () => {
    const doc = { message: 'x', kubernetes: { pod: { name: 'api-7d9' }, namespace: 'prod', container: { name: 'api' }, node: { name: 'node-3' }, labels } };
    expect(aliasedFields(doc, resolveAliases(doc))).toEqual(expected);
  });

  it('from the OpenTelemetry collector’s k8sattributes (flattened labels), copied for OTLP resources', () => {
    const attrs = { 'k8s.pod.name': 'api-7d9', 'k8s.namespace.name': 'prod', 'k8s.container.name': 'api', 'k8s.node.name': 'node-3', 'k8s.pod.labels.app': 'api', 'k8s.pod.labels.app.kubernetes.io/name': 'api' };
    const a = resolveAliases(attrs);
    expect(canonicalFields(a.canonical)).toEqual(expected);
    expect(withCanonicalFields(attrs, a.canonical)).toEqual(expected);
  });
});

describe('editing documents', () => {
  it('never changes the input and returns it when nothing changes', () => {
    const doc = { a: 1, nested: { b: 2 } };
    expect(withoutHits(doc, [])).toBe(doc);
    expect(withCanonicalFields(doc, undefined)).toBe(doc);
    const k8s = { 'k8s.pod.name': 'p' };
    expect(withCanonicalFields(k8s, resolveAliases(k8s).canonical)).toBe(k8s);
  });

  it('drops objects a removal leaves empty, keeps the rest', () => {
    const doc = { log: { level: 'info' }, trace: { id: 't' }, span: { id: 's', kind: 'server' }, m: 1 };
    expect(aliasedFields(doc, resolveAliases(doc))).toEqual({ span: { kind: 'server' }, m: 1, trace_id: 't', span_id: 's' });
  });

  it('moves trace context to the OpenTelemetry names', () => {
    for (const doc of [{ traceId: 'a', spanId: 'b' }, { 'trace.id': 'a', 'span.id': 'b' }, { otelTraceID: 'a', otelSpanID: 'b' }, { 'dd.trace_id': 'a', 'dd.span_id': 'b' }]) {
      expect(aliasedFields(doc, resolveAliases(doc))).toEqual({ trace_id: 'a', span_id: 'b' });
    }
  });
});
