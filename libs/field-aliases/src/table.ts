/**
 * The one table of field names shippers use for the parts of a log event Millrace has a slot
 * for (message, time, level, app, host, tags), and for the metadata it stores under one name
 * whichever shipper sent it (trace context, Kubernetes). Read by the ingest-gateway for every
 * structured protocol (Elasticsearch documents, NDJSON, Splunk HEC fields, LogScale attributes,
 * GELF additional fields, Loki labels, OTLP attributes) and by the parser-worker for JSON and
 * logfmt lines, so a field means the same wherever it arrives.
 *
 * Names are dotted paths, matched case-insensitively, either as a literal dotted key
 * (`{"log.level": …}`) or as nested objects (`{"log": {"level": …}}`). Within a role the first
 * name of its list holding a usable value wins.
 *
 * Sources: ECS (Filebeat, Elastic Agent, ECS loggers), OpenTelemetry semantic conventions,
 * syslog-ng's `format-json --scope rfc5424` (the `elasticsearch-http()` default template:
 * upper-case `MESSAGE`, `HOST`, `PROGRAM`, `PRIORITY`, `@timestamp`), rsyslog's properties
 * (`msg`, `hostname`, `programname`, `syslogseverity-text`, `timereported`), Logstash
 * (`@timestamp`, `message`, `host`), Fluent Bit (`log`, `date`, its kubernetes filter), Vector
 * (`message`, `timestamp`, `host`, its kubernetes_logs source), Docker (`log`, `time`,
 * `container_name`), journald (`MESSAGE`, `PRIORITY`, `_HOSTNAME`, `SYSLOG_IDENTIFIER`,
 * `__REALTIME_TIMESTAMP`), Serilog's CLEF (`@t`, `@m`, `@l`), pino, bunyan, winston, Python's
 * logging (`levelname`), Google Cloud (`severity`), Grafana Loki labels (`service_name`,
 * `detected_level`, `job`, `instance`) and python-logging-loki (`severity`).
 */

export type Role = 'message' | 'timestamp' | 'level' | 'app' | 'host' | 'tags';

/**
 * How a level value is read: `word` a level word or number (`normaliseLevel`: words, syslog
 * severities 0-7, pino/bunyan 10-60); `syslog` only a syslog severity (0-7 or its name), so
 * `priority: "high"` is not a level; `otel` an OpenTelemetry severity number 1-24; `pri` a
 * syslog PRI (facility × 8 + severity).
 */
export type LevelKind = 'word' | 'syslog' | 'otel' | 'pri';

export interface AliasName {
  name: string;
  /** For `level`: how the value is read (default `word`). */
  kind?: LevelKind;
  /** Only in label sets (Loki streams), where names are flat and generic (`job`, `instance`). */
  labelsOnly?: boolean;
  /** For app names: a leading `/` is dropped (Docker's container names). */
  stripSlash?: boolean;
}

type Names = readonly (string | AliasName)[];

export const ROLE_NAMES: Readonly<Record<Role, Names>> = {
  message: [
    'message', 'msg', 'log', '@message', '@m', 'short_message', 'text', 'event', 'event.original', 'log.original', '@mt',
  ],
  timestamp: [
    '@timestamp', 'timestamp', 'time', 'ts', '@t', 't', 'date', 'datetime', 'ISODATE', 'timereported',
    '__REALTIME_TIMESTAMP', 'eventTime', 'timegenerated',
  ],
  level: [
    'level', 'severity', 'severity_text', 'severityText', 'log.level', 'lvl', 'loglevel', 'log_level', 'levelname',
    'level_name', '@l', 'detected_level',
    { name: 'PRIORITY', kind: 'syslog' }, { name: 'syslogseverity-text', kind: 'syslog' }, { name: 'syslogseverity', kind: 'syslog' },
    { name: 'log.syslog.severity.name', kind: 'syslog' }, { name: 'log.syslog.severity.code', kind: 'syslog' },
    { name: 'syslog.severity', kind: 'syslog' },
    { name: 'severity_number', kind: 'otel' }, { name: 'severityNumber', kind: 'otel' },
    { name: 'pri', kind: 'pri' }, { name: 'log.syslog.priority', kind: 'pri' },
  ],
  app: [
    'app', 'application', 'app_name', 'appname', 'application_name', 'service.name', 'service', 'service_name',
    'programname', 'PROGRAM', 'app-name', 'SYSLOG_IDENTIFIER', 'log.syslog.appname', 'syslog.appname',
    'kubernetes.container_name', 'kubernetes.container.name', 'k8s.container.name',
    'container.name', { name: 'container_name', stripSlash: true }, 'k8s_container_name', 'process.name', '_COMM',
    { name: 'container', labelsOnly: true }, { name: 'job', labelsOnly: true },
  ],
  host: [
    'host', 'hostname', 'host_name', 'host.name', 'host.hostname', '_HOSTNAME', 'log.syslog.hostname', 'syslog.hostname',
    'HOST_FROM', 'fromhost', 'source_host', 'agent.hostname', 'beat.hostname',
    'kubernetes.host', 'kubernetes.node.name', 'kubernetes.pod_node_name', 'k8s.node.name',
    { name: 'instance', labelsOnly: true }, { name: 'node_name', labelsOnly: true }, { name: 'k8s_node_name', labelsOnly: true },
  ],
  tags: ['tags'],
};

/** Metadata stored under one name whichever shipper sent it: `to` is the field's path. */
export interface CanonicalField {
  to: string;
  from: readonly (string | { name: string; labelsOnly?: boolean })[];
  /**
   * The value is a map of names (Kubernetes labels and annotations): kept as one object whose
   * keys have their dots replaced by `_` (`app.kubernetes.io/name` → `app_kubernetes_io/name`)
   * so a label name is never read as a path. OpenTelemetry's flattened form
   * (`k8s.pod.labels.<name>`) lands in the same object.
   */
  map?: boolean;
}

export const CANONICAL_FIELDS: readonly CanonicalField[] = [
  // Trace context: the OpenTelemetry log data model's names.
  { to: 'trace_id', from: ['trace_id', 'trace.id', 'traceId', 'otelTraceID', 'dd.trace_id'] },
  { to: 'span_id', from: ['span_id', 'span.id', 'spanId', 'otelSpanID', 'dd.span_id'] },
  { to: 'trace_flags', from: ['trace_flags', 'traceFlags', 'otelTraceFlags', 'trace.flags'] },
  // Kubernetes: OpenTelemetry's names (k8sattributes processor), from Fluent Bit's kubernetes
  // filter, Vector's kubernetes_logs source, ECS (Filebeat, Elastic Agent), and Loki labels.
  {
    to: 'k8s.pod.name',
    from: ['k8s.pod.name', 'kubernetes.pod_name', 'kubernetes.pod.name', { name: 'pod', labelsOnly: true }, { name: 'k8s_pod_name', labelsOnly: true }],
  },
  { to: 'k8s.pod.uid', from: ['k8s.pod.uid', 'kubernetes.pod_id', 'kubernetes.pod_uid', 'kubernetes.pod.uid'] },
  { to: 'k8s.pod.ip', from: ['k8s.pod.ip', 'kubernetes.pod_ip', 'kubernetes.pod.ip'] },
  {
    to: 'k8s.namespace.name',
    from: [
      'k8s.namespace.name', 'kubernetes.namespace_name', 'kubernetes.pod_namespace', 'kubernetes.namespace',
      { name: 'namespace', labelsOnly: true }, { name: 'k8s_namespace_name', labelsOnly: true },
    ],
  },
  {
    to: 'k8s.container.name',
    from: ['k8s.container.name', 'kubernetes.container_name', 'kubernetes.container.name', { name: 'container', labelsOnly: true }, { name: 'k8s_container_name', labelsOnly: true }],
  },
  {
    to: 'k8s.node.name',
    from: ['k8s.node.name', 'kubernetes.host', 'kubernetes.pod_node_name', 'kubernetes.node.name', { name: 'node_name', labelsOnly: true }, { name: 'k8s_node_name', labelsOnly: true }],
  },
  { to: 'k8s.deployment.name', from: ['k8s.deployment.name', 'kubernetes.deployment.name'] },
  { to: 'k8s.replicaset.name', from: ['k8s.replicaset.name', 'kubernetes.replicaset.name'] },
  { to: 'k8s.statefulset.name', from: ['k8s.statefulset.name', 'kubernetes.statefulset.name'] },
  { to: 'k8s.daemonset.name', from: ['k8s.daemonset.name', 'kubernetes.daemonset.name'] },
  { to: 'k8s.job.name', from: ['k8s.job.name', 'kubernetes.job.name'] },
  { to: 'k8s.cronjob.name', from: ['k8s.cronjob.name', 'kubernetes.cronjob.name'] },
  { to: 'container.id', from: ['container.id', 'kubernetes.docker_id', 'kubernetes.container_id', 'kubernetes.container.id'] },
  { to: 'container.image.name', from: ['container.image.name', 'kubernetes.container_image', 'kubernetes.container.image'] },
  { to: 'k8s.pod.labels', map: true, from: ['k8s.pod.labels', 'kubernetes.labels', 'kubernetes.pod_labels'] },
  { to: 'k8s.pod.annotations', map: true, from: ['k8s.pod.annotations', 'kubernetes.annotations', 'kubernetes.pod_annotations'] },
  { to: 'k8s.namespace.labels', map: true, from: ['k8s.namespace.labels', 'kubernetes.namespace_labels'] },
  { to: 'k8s.node.labels', map: true, from: ['k8s.node.labels', 'kubernetes.node_labels', 'kubernetes.node.labels'] },
];
