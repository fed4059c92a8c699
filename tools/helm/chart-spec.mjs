// The one description of every Millrace chart's values: type, default, documentation and an
// "all options on" sample. generate-charts.mjs turns it into each chart's values.yaml,
// values.schema.json, README.md values table, Chart.yaml, thin templates and ci/ scenarios, so
// the eight service charts cannot drift apart.

export const CHART_VERSION = '0.1.0';
export const APP_VERSION = '0.1.0';
export const KUBE_VERSION = '>=1.29.0-0';

// ---------------------------------------------------------------------------------------------
// Spec nodes

/** A value: its default, its JSON schema, what it does, and a sample for ci/all-on-values.yaml. */
export const leaf = (def, schema, description, extra = {}) => ({ kind: 'leaf', default: def, schema, description, ...extra });
/** A map of values; strict in the schema (unknown keys fail the install). */
export const group = (description, children, extra = {}) => ({ kind: 'group', description, children, ...extra });

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';
const NATS_URL = '(nats|tls|wss?)://[^,\\s]+';
const NATS_URLS = `^${NATS_URL}(\\s*,\\s*${NATS_URL})*$`;
const HTTP_URL = '^https?://\\S+$';
/** An IPv4 or IPv6 address or CIDR range, or one of proxy-addr's named ranges (the service validates the value itself too). */
const PROXY_RANGE = '^(loopback|linklocal|uniquelocal|[0-9.]+(/[0-9]{1,2})?|[0-9A-Fa-f:.]+(/[0-9]{1,3})?)$';

export const S = {
  str: (extra = {}) => ({ type: 'string', ...extra }),
  int: (minimum, maximum) => ({ type: 'integer', ...(minimum !== undefined && { minimum }), ...(maximum !== undefined && { maximum }) }),
  bool: () => ({ type: 'boolean' }),
  nullable: (schema) => ({ ...schema, type: [schema.type, 'null'] }),
  enum: (values) => ({ type: 'string', enum: values }),
  map: (values = {}) => ({ type: 'object', additionalProperties: values }),
  labels: () => ({ type: 'object', additionalProperties: { type: 'string' } }),
  list: (items = {}) => ({ type: 'array', items }),
  object: () => ({ type: 'object' }),
  port: () => ({ type: 'integer', minimum: 1, maximum: 65535 }),
  nodePort: () => ({ type: ['integer', 'null'], minimum: 30000, maximum: 32767 }),
  intOrString: () => ({ type: ['integer', 'string'] }),
  quantity: () => ({ type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?)?$' }),
  duration: () => ({ type: 'string', pattern: '^(([0-9]+(ms|s|m|h))+)?$' }),
};

// ---------------------------------------------------------------------------------------------
// Connection settings: under `global` (with the real defaults) and at chart level (unset
// defaults; a set chart-level value wins over its global).

function natsSpec(mode) {
  const g = mode === 'global';
  const d = (value, unset = '') => (g ? value : unset);
  return group(
    g
      ? 'NATS with JetStream, shared by every service.'
      : 'NATS settings of this service only; each unset value ("" or null) falls back to `global.nats`.',
    {
      url: leaf(d('nats://nats:4222'), g ? S.str({ pattern: NATS_URLS }) : S.str({ pattern: `^$|${NATS_URLS.slice(1)}` }),
        'NATS_URL: comma-separated `nats://` or `tls://` server URLs.', { allOn: g ? undefined : 'tls://nats-0.nats.nats.svc:4222,tls://nats-1.nats.nats.svc:4222' }),
      jetstreamReplicas: leaf(d(1, null), g ? S.int(1, 5) : S.nullable(S.int(1, 5)),
        'JETSTREAM_REPLICAS: replicas of the streams the services create; 3 in production (needs a JetStream cluster of at least 3 nodes).', { allOn: g ? undefined : 3 }),
      auth: group('NATS credentials, read from an existing Secret. Each key is optional: a Secret holding only `token`, or only `user` and `password`, works.', {
        existingSecret: leaf('', S.str(), 'Name of the existing Secret with the NATS credentials ("" = no authentication).', { allOn: g ? undefined : 'millrace-nats-credentials' }),
        userKey: leaf(d('user'), S.str(), 'Key holding NATS_USER.'),
        passwordKey: leaf(d('password'), S.str(), 'Key holding NATS_PASSWORD.'),
        tokenKey: leaf(d('token'), S.str(), 'Key holding NATS_TOKEN.'),
      }),
      tls: group('TLS to NATS. The Secret is mounted read-only at `/etc/millrace/tls/nats`.', {
        existingSecret: leaf('', S.str(), 'Existing Secret with the CA certificate (and, for mutual TLS, a client certificate and key), e.g. one made by cert-manager.', { allOn: g ? undefined : 'millrace-nats-client-tls' }),
        caKey: leaf(d('ca.crt'), S.str(), 'Key of the CA certificate (NATS_TLS_CA_FILE).'),
        certKey: leaf('', S.str(), 'Key of the client certificate (NATS_TLS_CERT_FILE), e.g. `tls.crt`; "" = no client certificate.', { allOn: g ? undefined : 'tls.crt' }),
        keyKey: leaf('', S.str(), 'Key of the client private key (NATS_TLS_KEY_FILE), e.g. `tls.key`.', { allOn: g ? undefined : 'tls.key' }),
      }),
    },
  );
}

function postgresqlSpec(mode) {
  const g = mode === 'global';
  const d = (value, unset = '') => (g ? value : unset);
  return group(
    g
      ? 'PostgreSQL, shared by the services that keep state there (auth, query-api, alerter, archiver, broker-router). Each service keeps its tables in its own schema, so one database and one URL can serve all of them.'
      : 'PostgreSQL settings of this service only; each unset value falls back to `global.postgresql`.',
    {
      existingSecret: leaf(d('millrace-postgresql'), S.str(),
        'Name of the existing Secret holding the connection URL (DATABASE_URL), e.g. `postgresql://millrace:PASSWORD@postgresql:5432/millrace`.', { allOn: g ? undefined : 'millrace-postgresql-url' }),
      urlKey: leaf(d('database-url'), S.str(), 'Key of the connection URL in that Secret.', { allOn: g ? undefined : 'url' }),
      ssl: leaf(d(false, null), g ? S.bool() : S.nullable(S.bool()), 'DATABASE_SSL: connect with TLS.', { allOn: g ? undefined : true }),
      tls: group('CA certificate for verifying the server. The Secret is mounted read-only at `/etc/millrace/tls/postgresql`.', {
        existingSecret: leaf('', S.str(), 'Existing Secret with the CA certificate ("" = system CAs).', { allOn: g ? undefined : 'millrace-postgresql-ca' }),
        caKey: leaf(d('ca.crt'), S.str(), 'Key of the CA certificate (DATABASE_SSL_CA_FILE).'),
      }),
    },
  );
}

function opensearchSpec(mode) {
  const g = mode === 'global';
  const d = (value, unset = '') => (g ? value : unset);
  return group(
    g
      ? 'OpenSearch, shared by indexer, query-api, alerter and archiver.'
      : 'OpenSearch settings of this service only; each unset value falls back to `global.opensearch`.',
    {
      url: leaf(d('https://opensearch-cluster-master:9200'), g ? S.str({ pattern: HTTP_URL }) : S.str({ pattern: `^$|${HTTP_URL.slice(1)}` }),
        'OPENSEARCH_URL.', { allOn: g ? undefined : 'https://opensearch.search.svc:9200' }),
      auth: group('OpenSearch credentials from an existing Secret (both keys optional).', {
        existingSecret: leaf('', S.str(), 'Name of the existing Secret with the OpenSearch user ("" = no authentication).', { allOn: g ? undefined : 'millrace-opensearch-credentials' }),
        usernameKey: leaf(d('username'), S.str(), 'Key holding OPENSEARCH_USERNAME.'),
        passwordKey: leaf(d('password'), S.str(), 'Key holding OPENSEARCH_PASSWORD.'),
      }),
      tls: group('CA certificate for verifying OpenSearch. The Secret is mounted read-only at `/etc/millrace/tls/opensearch`.', {
        existingSecret: leaf('', S.str(), 'Existing Secret with the CA certificate ("" = system CAs).', { allOn: g ? undefined : 'millrace-opensearch-ca' }),
        caKey: leaf(d('ca.crt'), S.str(), 'Key of the CA certificate (OPENSEARCH_TLS_CA_FILE).'),
      }),
    },
  );
}

/** `global`: the same keys in every chart, so the umbrella can pass them to each service. */
export function globalSpec({ umbrella = false, uses = { postgresql: true, opensearch: true } } = {}) {
  return group(
    umbrella
      ? 'Settings shared by every Millrace service. A service\'s own value of the same name (e.g. `query-api.nats.url`) wins over its global.'
      : 'Settings shared with the other Millrace charts; the millrace umbrella chart sets them once for every service. The chart-level value of the same name (e.g. `nats.url`) wins over its global.',
    {
      imageRegistry: leaf('', S.str(), 'Registry host that replaces the one in every `image.repository` (e.g. an internal mirror).', { allOn: umbrella ? 'registry.example.com' : undefined }),
      imagePullSecrets: leaf([], S.list(S.str({ minLength: 1 })), 'Names of existing image pull Secrets added to every pod.', { allOn: umbrella ? ['registry-credentials'] : undefined }),
      logLevel: leaf('info', S.enum(LOG_LEVELS), 'LOG_LEVEL of every service.'),
      trustedProxies: leaf([], S.list(S.str({ pattern: PROXY_RANGE })),
        'TRUSTED_PROXIES of every service: addresses or CIDR ranges of the proxies in front of them (e.g. the ingress controller\'s pod range) whose X-Forwarded-For is believed. Empty: none is, and the client address is the connection\'s.',
        { allOn: umbrella ? ['10.42.0.0/16'] : undefined }),
      linkerd: group('Linkerd service mesh (mutual TLS between the services).', {
        inject: leaf(umbrella, S.bool(), `Add \`linkerd.io/inject: enabled\` to every pod (${umbrella ? 'on' : 'off'} by default in this chart).`),
      }),
      nats: natsSpec('global'),
      postgresql: { ...postgresqlSpec('global'), omitFromValues: !uses.postgresql },
      opensearch: { ...opensearchSpec('global'), omitFromValues: !uses.opensearch },
    },
  );
}

// ---------------------------------------------------------------------------------------------
// The nine services

const probe = (name, path, { period, timeout, failure }) =>
  group(`${name} probe on \`${path}\`.`, {
    enabled: leaf(true, S.bool(), `Enable the ${name.toLowerCase()} probe.`),
    initialDelaySeconds: leaf(0, S.int(0), 'Seconds before the first probe.'),
    periodSeconds: leaf(period, S.int(1), 'Seconds between probes.'),
    timeoutSeconds: leaf(timeout, S.int(1), 'Seconds before a probe times out.'),
    successThreshold: leaf(1, S.int(1, 1), 'Consecutive successes to pass (must be 1 for liveness and startup).'),
    failureThreshold: leaf(failure, S.int(1), 'Consecutive failures to fail.'),
  });

/** SEALING_KEY and SEALING_OLD_KEYS from one existing Secret (the same for the query API and the archiver). */
const sealingSpec = (what) => group(`SEALING_KEY: ${what}. Read from an existing Secret (the chart never creates one). To rotate: put the current key under \`oldKeysKey\` (comma-separated), a new one under \`key\`, roll the query API and the archiver; the query API re-seals every stored secret on start-up, after which the old key can go.`, {
  existingSecret: leaf('millrace-sealing', S.str({ minLength: 1 }), 'Name of the existing Secret.'),
  key: leaf('sealing-key', S.str({ minLength: 1 }), 'Key of the sealing key (at least 32 characters, e.g. `openssl rand -base64 48`).'),
  oldKeysKey: leaf('old-keys', S.str({ minLength: 1 }), 'Key of the previous keys, comma-separated, kept for opening during a rotation (optional in the Secret).'),
});

export const APPS = {
  'ingest-gateway': {
    component: 'ingest',
    title: 'Millrace ingest gateway',
    description: 'Every way logs come into Millrace: HTTP JSON lines, NDJSON and plain text, syslog over TCP and TLS, Logplex drains, Elasticsearch _bulk, OTLP/HTTP and GELF. Authenticates ingestion keys and answers only after JetStream stored each batch.',
    postgresql: false,
    opensearch: false,
    replicaCount: 2,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    serviceType: 'ClusterIP',
    allOnServiceType: 'LoadBalancer',
    servicePorts: {
      syslogTcp: [6601, 'Service port of syslog over TCP.'],
      syslogTls: [6514, 'Service port of syslog over TLS (exposed when `syslog.tls.existingSecret` is set).'],
      gelfUdp: [12201, 'Service port of GELF over UDP (exposed when `gelf.enabled`).'],
    },
    extra: () => ({
      syslog: group('Syslog listeners (RFC 5424 and RFC 3164, octet-counting and newline framing).', {
        tcpPort: leaf(6601, S.port(), 'SYSLOG_TCP_PORT: container port of syslog over plain TCP.'),
        tls: group('Syslog over TLS: the listener (SYSLOG_TLS_PORT) is enabled only when `existingSecret` names a TLS Secret. Mounted read-only at `/etc/millrace/tls/syslog`.', {
          existingSecret: leaf('', S.str(), 'Existing `kubernetes.io/tls` Secret with the server certificate and key ("" = TLS listener off).', { allOn: 'millrace-syslog-tls' }),
          port: leaf(6514, S.port(), 'SYSLOG_TLS_PORT: container port of syslog over TLS.'),
          certKey: leaf('tls.crt', S.str({ minLength: 1 }), 'Key of the certificate (SYSLOG_TLS_CERT_FILE).'),
          keyKey: leaf('tls.key', S.str({ minLength: 1 }), 'Key of the private key (SYSLOG_TLS_KEY_FILE).'),
        }),
      }),
      gelf: group('GELF over UDP.', {
        enabled: leaf(false, S.bool(), 'Listen for GELF over UDP (GELF_UDP_PORT).', { allOn: true }),
        port: leaf(12201, S.port(), 'GELF_UDP_PORT: container port.'),
      }),
    }),
  },
  'broker-router': {
    component: 'broker',
    title: 'Millrace broker router',
    description: 'The broker\'s brain: per-tenant quotas and rate limits, exclusion rules, sampling, drains to HTTP and syslog endpoints, and dispatch of raw batches to the parser pool.',
    postgresql: true,
    opensearch: false,
    replicaCount: 1,
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  },
  'parser-worker': {
    component: 'parser',
    title: 'Millrace parser worker',
    description: 'Turns raw lines into structured events (JSON, logfmt, syslog, nginx/apache and custom rules), extracts timestamps and levels, redacts PII. Scale it horizontally: all replicas share one durable consumer.',
    postgresql: false,
    opensearch: false,
    replicaCount: 1,
    resources: { requests: { cpu: '500m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  },
  indexer: {
    component: 'indexer',
    title: 'Millrace indexer',
    description: 'Bulk-writes events into OpenSearch with idempotent ids; owns the index templates and retention policies.',
    postgresql: false,
    opensearch: true,
    replicaCount: 1,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
  },
  alerter: {
    component: 'alerting',
    title: 'Millrace alerter',
    description: 'Presence, absence and threshold alerts over the event stream and OpenSearch, and their notification channels.',
    postgresql: true,
    opensearch: true,
    replicaCount: 1,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '512Mi' } },
  },
  archiver: {
    component: 'archive',
    title: 'Millrace archiver',
    description: 'Writes compressed NDJSON objects per tenant and hour to S3-compatible storage or a filesystem, verifies checksums before acknowledging, and rehydrates archives back into search.',
    postgresql: true,
    opensearch: true,
    replicaCount: 1,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    extra: () => ({
      sealing: sealingSpec('opens the archive destinations\' credentials the query API sealed with the same keys; without it, S3 destinations cannot be used'),
      filesystemArchive: group('Let organisations archive to folders under a mounted volume (ARCHIVE_FS_ROOT) instead of S3-compatible storage; destinations themselves are configured per organisation through the query API. Set the query API\'s `archiveFsRoot` to the same path.', {
        enabled: leaf(false, S.bool(), 'Mount a volume at `path` and set ARCHIVE_FS_ROOT.', { allOn: true }),
        path: leaf('/var/lib/millrace/archive', S.str({ pattern: '^/' }), 'Mount path of the archive volume (ARCHIVE_FS_ROOT).'),
        persistence: group('PersistentVolumeClaim for the archive; when disabled the path is an emptyDir (lost with the pod: for trials only).', {
          enabled: leaf(false, S.bool(), 'Keep the archive on a PersistentVolumeClaim.', { allOn: true }),
          existingClaim: leaf('', S.str(), 'Use this existing claim instead of creating one.'),
          storageClass: leaf('', S.str(), 'StorageClass of the claim ("" = cluster default, "-" = none).', { allOn: 'standard-rwx' }),
          accessModes: leaf(['ReadWriteOnce'], S.list(S.enum(['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'])), 'Access modes; use ReadWriteMany when running more than one replica.', { allOn: ['ReadWriteMany'] }),
          size: leaf('50Gi', S.quantity(), 'Requested size.', { allOn: '200Gi' }),
          annotations: leaf({}, S.labels(), 'Annotations of the claim.', { allOn: { 'helm.sh/resource-policy': 'keep' } }),
        }),
      }),
    }),
  },
  'query-api': {
    component: 'api',
    title: 'Millrace query API',
    description: 'REST API for search, graphs, export and live tail (SSE and WebSocket), saved views, and the configuration of alerts, drains, parsing rules and archives.',
    postgresql: true,
    opensearch: true,
    replicaCount: 2,
    resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '1Gi' } },
    extra: () => ({
      sealing: sealingSpec('seals what the query API stores of drain URLs, alert channels and archive credentials (required)'),
      archiveFsRoot: leaf('', S.str({ pattern: '^$|^/' }), 'ARCHIVE_FS_ROOT: folder destinations must lie under this path (the archiver\'s `filesystemArchive.path`); "" = folder destinations refused.', { allOn: '/var/lib/millrace/archive' }),
      allowPrivateDrainTargets: leaf(false, S.bool(), 'DRAINS_ALLOW_PRIVATE_TARGETS: let drains point at private, loopback or link-local addresses (off: protects the cluster network from server-side request forgery).', { allOn: true }),
    }),
  },
  auth: {
    component: 'auth',
    title: 'Millrace auth',
    description: 'Organisations (tenants), users, roles, ingestion and service keys and sessions; answers key verification for the other services over NATS.',
    postgresql: true,
    opensearch: false,
    replicaCount: 2,
    resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { memory: '512Mi' } },
    extra: () => ({
      encryptionKey: group('AUTH_ENCRYPTION_KEY: encrypts the token signing keys at rest. Read from an existing Secret (the chart never creates one).', {
        existingSecret: leaf('millrace-auth', S.str({ minLength: 1 }), 'Name of the existing Secret.'),
        key: leaf('encryption-key', S.str({ minLength: 1 }), 'Key of the encryption key in that Secret.'),
      }),
      bootstrap: group('First organisation and owner, created on start when `organization`, `ownerEmail` and the password Secret are set and that organisation has no owner yet (AUTH_BOOTSTRAP_*).', {
        organization: leaf('', S.str({ pattern: '^$|^[a-z0-9][a-z0-9_-]{0,62}$' }), 'AUTH_BOOTSTRAP_ORG: id of the first organisation (lower-case letters, digits, `_` and `-`).', { allOn: 'acme' }),
        ownerEmail: leaf('', S.str({ pattern: '^$|^[^@\\s]+@[^@\\s]+$' }), 'AUTH_BOOTSTRAP_OWNER_EMAIL: e-mail address of its owner.', { allOn: 'owner@acme.example' }),
        existingSecret: leaf('', S.str(), 'Existing Secret holding the owner\'s initial password (AUTH_BOOTSTRAP_OWNER_PASSWORD).', { allOn: 'millrace-bootstrap-owner' }),
        passwordKey: leaf('owner-password', S.str({ minLength: 1 }), 'Key of the password in that Secret.'),
      }),
    }),
  },
  canary: {
    component: 'canary',
    title: 'Millrace canary',
    description: 'Writes numbered lines at a steady rate through the ingest gateway (Idempotency-Key retries), reads them back through search and the live tail, and reports missing, duplicated and late lines and the write-to-searchable and write-to-tail latencies on /metrics. Off in the umbrella chart unless `canary.enabled`.',
    postgresql: false,
    opensearch: false,
    replicaCount: 1,
    umbrellaEnabled: false,
    resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    extra: () => ({
      canary: group('What the canary writes and where it reads it back (CANARY_*).', {
        ingestUrl: leaf('http://millrace-ingest-gateway:8080', S.str({ pattern: HTTP_URL }), 'CANARY_INGEST_URLS: the gateway Service (comma-separated for several).', { allOn: 'http://rel-ingest-gateway.logs.svc:8080' }),
        queryUrl: leaf('http://millrace-query-api:8080', S.str({ pattern: HTTP_URL }), 'CANARY_QUERY_URLS: the query API Service (comma-separated for several).', { allOn: 'http://rel-query-api.logs.svc:8080' }),
        rate: leaf(10, S.int(1, 100000), 'CANARY_RATE: lines per second.', { allOn: 50 }),
        batch: leaf(0, S.int(0, 1000), 'CANARY_BATCH: lines per request (0 = a tenth of a second of the rate).'),
        lateMs: leaf(10000, S.int(100), 'CANARY_LATE_MS: a line found later than this after it was written counts as late.'),
        missingMs: leaf(120000, S.int(1000), 'CANARY_MISSING_MS: an acknowledged line not found this long after it was written counts as missing.'),
        tail: leaf(true, S.bool(), 'CANARY_TAIL: also follow the live tail (write-to-tail latency, lines missing from the tail).'),
      }),
      keys: group('The canary organisation\'s keys, read from an existing Secret (the chart never creates one): an ingestion key and a key with `logs:read`.', {
        existingSecret: leaf('millrace-canary', S.str({ minLength: 1 }), 'Name of the existing Secret.'),
        ingestKeyKey: leaf('ingest-key', S.str({ minLength: 1 }), 'Key of the ingestion key (CANARY_INGEST_KEY).'),
        readKeyKey: leaf('read-key', S.str({ minLength: 1 }), 'Key of the read key (CANARY_READ_KEY).'),
      }),
    }),
  },
  console: {
    component: 'console',
    title: 'Millrace console',
    description: 'The web console: serves the single-page application and is the browser\'s one origin, passing API calls on to the query API and auth, with the session in a sealed httpOnly cookie (refresh tokens rotated server-side) and CSRF protection. Expose it to people with a LoadBalancer Service or your ingress.',
    postgresql: false,
    opensearch: false,
    replicaCount: 2,
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
    serviceType: 'ClusterIP',
    allOnServiceType: 'LoadBalancer',
    extra: () => ({
      sessionSecret: group('CONSOLE_SESSION_SECRET: seals the session cookie (at least 32 characters, the same for every replica). Read from an existing Secret (the chart never creates one).', {
        existingSecret: leaf('millrace-console', S.str({ minLength: 1 }), 'Name of the existing Secret.'),
        key: leaf('session-secret', S.str({ minLength: 1 }), 'Key of the secret in that Secret.'),
      }),
      upstreams: group('Where the console reaches the services it fronts ("" = the services of this release: `http://<release>-query-api:8080`, `http://<release>-auth:8080`).', {
        queryApiUrl: leaf('', S.str({ pattern: `^$|${HTTP_URL.slice(1)}` }), 'QUERY_API_URL.', { allOn: 'http://millrace-query-api.logs.svc:8080' }),
        authUrl: leaf('', S.str({ pattern: `^$|${HTTP_URL.slice(1)}` }), 'AUTH_URL.', { allOn: 'http://millrace-auth.logs.svc:8080' }),
      }),
      secureCookies: leaf('auto', S.enum(['auto', 'always', 'never']), 'CONSOLE_SECURE_COOKIES: `auto` marks cookies Secure except when the browser reaches the console on localhost; `always` behind a TLS ingress.', { allOn: 'always' }),
      gettingStarted: group('The ingest endpoints the getting-started page shows, as shippers reach them (the ingest gateway\'s public address).', {
        ingestUrl: leaf('', S.str({ pattern: `^$|${HTTP_URL.slice(1)}` }), 'CONSOLE_PUBLIC_INGEST_URL ("" = not shown).', { allOn: 'https://logs.example.com' }),
        syslogHost: leaf('', S.str(), 'CONSOLE_PUBLIC_SYSLOG_HOST ("" = no syslog snippets).', { allOn: 'logs.example.com' }),
        syslogTcpPort: leaf(null, S.nullable(S.port()), 'CONSOLE_PUBLIC_SYSLOG_TCP_PORT.', { allOn: 6601 }),
        syslogTlsPort: leaf(null, S.nullable(S.port()), 'CONSOLE_PUBLIC_SYSLOG_TLS_PORT.', { allOn: 6514 }),
      }),
    }),
  },
};

export const APP_NAMES = Object.keys(APPS);

/** All values of one service chart. */
export function appSpec(name) {
  const app = APPS[name];
  const servicePorts = { http: leaf(8080, S.port(), 'Service port of the HTTP API, health and metrics.') };
  const nodePorts = { http: leaf(null, S.nodePort(), 'nodePort of `http` (NodePort/LoadBalancer; null = assigned).') };
  for (const [key, [port, description]] of Object.entries(app.servicePorts ?? {})) {
    servicePorts[key] = leaf(port, S.port(), description);
    nodePorts[key] = leaf(null, S.nodePort(), `nodePort of \`${key}\`.`);
  }
  const children = {
    global: globalSpec({ uses: { postgresql: app.postgresql, opensearch: app.opensearch } }),
    nameOverride: leaf('', S.str({ maxLength: 63 }), 'Replaces the chart name in object names and the `app.kubernetes.io/name` label.'),
    fullnameOverride: leaf('', S.str({ maxLength: 63 }), 'Replaces the full object name (`<release>-<chart>`).'),
    commonLabels: leaf({}, S.labels(), 'Labels added to every object (never replacing the standard `app.kubernetes.io/*` labels).', { allOn: { team: 'observability' } }),
    commonAnnotations: leaf({}, S.labels(), 'Annotations added to every object.', { allOn: { 'example.com/owner': 'observability' } }),
    image: group('Container image (built from `deploy/docker/Dockerfile` with `--build-arg APP=' + name + '`).', {
      repository: leaf(`ghcr.io/millrace/${name}`, S.str({ minLength: 1 }), 'Image repository, registry included.'),
      tag: leaf('', S.str(), 'Image tag; "" = the chart\'s appVersion.', { allOn: '0.1.0' }),
      digest: leaf('', S.str({ pattern: '^$|^sha256:[a-f0-9]{64}$' }), 'Image digest (`sha256:...`); wins over the tag.', { allOn: `sha256:${'ab'.repeat(32)}` }),
      pullPolicy: leaf('IfNotPresent', S.enum(['Always', 'IfNotPresent', 'Never']), 'Image pull policy.', { allOn: 'Always' }),
    }),
    imagePullSecrets: leaf([], S.list(S.str({ minLength: 1 })), 'Names of existing image pull Secrets.', { allOn: ['ghcr-credentials'] }),
    replicaCount: leaf(app.replicaCount, S.int(0), 'Number of pods (ignored when `autoscaling.enabled`).', { allOn: 3 }),
    revisionHistoryLimit: leaf(10, S.int(0), 'Old ReplicaSets kept for rollback.'),
    updateStrategy: group('Deployment update strategy. The default starts a new pod before stopping an old one.', {
      type: leaf('RollingUpdate', S.enum(['RollingUpdate', 'Recreate']), 'RollingUpdate or Recreate.'),
      rollingUpdate: group('Used with RollingUpdate.', {
        maxUnavailable: leaf(0, S.intOrString(), 'Pods that may be unavailable during an update (number or percentage).'),
        maxSurge: leaf(1, S.intOrString(), 'Extra pods created during an update (number or percentage).', { allOn: '25%' }),
      }),
    }),
    logLevel: leaf('', S.enum(['', ...LOG_LEVELS]), 'LOG_LEVEL of this service; "" = `global.logLevel`.', { allOn: 'debug' }),
    trustedProxies: leaf([], S.list(S.str({ pattern: PROXY_RANGE })), 'TRUSTED_PROXIES of this service; empty = `global.trustedProxies`.', { allOn: ['10.42.0.0/16', 'fd00:42::/48'] }),
    nats: natsSpec('local'),
    ...(app.postgresql && { postgresql: postgresqlSpec('local') }),
    ...(app.opensearch && { opensearch: opensearchSpec('local') }),
    ...(app.extra ? app.extra() : {}),
    config: leaf({}, { type: 'object', propertyNames: { pattern: ENV_NAME }, additionalProperties: { type: 'string' } },
      'Extra non-secret environment variables (strings), stored in the ConfigMap; changing them rolls the pods.', { allOn: { SHUTDOWN_TIMEOUT_MS: '20000' } }),
    extraEnv: leaf([], S.list({ type: 'object', required: ['name'] }), 'Extra environment entries (Kubernetes EnvVar objects), e.g. values from other Secrets.',
      { allOn: [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=768' }] }),
    extraEnvFrom: leaf([], S.list(S.object()), 'Extra envFrom sources (EnvFromSource objects).', { allOn: [{ secretRef: { name: `${name}-extra-env`, optional: true } }] }),
    containerPorts: group('Container ports.', {
      http: leaf(8080, S.port(), 'HTTP_PORT: HTTP API, `/health/live`, `/health/ready` and `/metrics`.'),
    }),
    service: group('The Service in front of the pods.', {
      type: leaf(app.serviceType ?? 'ClusterIP', S.enum(['ClusterIP', 'NodePort', 'LoadBalancer']), 'Service type.', { allOn: app.allOnServiceType }),
      clusterIP: leaf('', S.str(), 'Fixed cluster IP (ClusterIP only; "None" for a headless Service).'),
      ports: group('Service ports.', servicePorts),
      nodePorts: group('Fixed node ports (NodePort and LoadBalancer types).', nodePorts),
      annotations: leaf({}, S.labels(), 'Service annotations (e.g. for a cloud load balancer).', app.allOnServiceType ? { allOn: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' } } : {}),
      loadBalancerClass: leaf('', S.str(), 'loadBalancerClass (LoadBalancer only).'),
      loadBalancerSourceRanges: leaf([], S.list(S.str()), 'Client CIDRs allowed through the load balancer.', app.allOnServiceType ? { allOn: ['10.0.0.0/8'] } : {}),
      externalTrafficPolicy: leaf('', S.enum(['', 'Cluster', 'Local']), 'externalTrafficPolicy (NodePort/LoadBalancer); `Local` keeps client source addresses.', app.allOnServiceType ? { allOn: 'Local' } : {}),
    }),
    serviceAccount: group('ServiceAccount of the pods. The services never call the Kubernetes API, so no token is mounted.', {
      create: leaf(true, S.bool(), 'Create a ServiceAccount.'),
      name: leaf('', S.str(), 'Its name ("" = the full name; with `create: false`, an existing account or `default`).'),
      annotations: leaf({}, S.labels(), 'ServiceAccount annotations (e.g. a cloud IAM role).', { allOn: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/millrace' } }),
      automountServiceAccountToken: leaf(false, S.bool(), 'Mount an API token (leave off).'),
    }),
    podAnnotations: leaf({}, S.labels(), 'Extra pod annotations.', { allOn: { 'example.com/scrape': 'true' } }),
    podLabels: leaf({}, S.labels(), 'Extra pod labels.', { allOn: { tier: 'backend' } }),
    podSecurityContext: leaf(
      { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } },
      S.object(), 'Pod securityContext (PodSecurityContext).',
    ),
    containerSecurityContext: leaf(
      { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } },
      S.object(), 'Container securityContext (restricted Pod Security Standard; the root filesystem is read-only, `/tmp` is an emptyDir).',
    ),
    resources: leaf(app.resources, S.object(), 'CPU and memory requests and limits (no CPU limit by default, to avoid throttling).', { allOn: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } } }),
    livenessProbe: probe('Liveness', '/health/live', { period: 10, timeout: 3, failure: 3 }),
    readinessProbe: probe('Readiness', '/health/ready', { period: 10, timeout: 5, failure: 3 }),
    startupProbe: probe('Startup', '/health/live', { period: 5, timeout: 3, failure: 30 }),
    terminationGracePeriodSeconds: leaf(30, S.int(0), 'Seconds between SIGTERM and SIGKILL (above SHUTDOWN_TIMEOUT_MS, 10 s by default, so in-flight batches drain).', { allOn: 45 }),
    priorityClassName: leaf('', S.str(), 'PriorityClass of the pods.', { allOn: 'millrace-critical' }),
    nodeSelector: leaf({}, S.labels(), 'Node labels the pods must match.', { allOn: { 'kubernetes.io/os': 'linux' } }),
    tolerations: leaf([], S.list(S.object()), 'Tolerations.', { allOn: [{ key: 'dedicated', operator: 'Equal', value: 'millrace', effect: 'NoSchedule' }] }),
    affinity: leaf({}, S.object(), 'Affinity rules.', {
      allOn: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'node-role.example.com/logs', operator: 'Exists' }] } }] } },
    }),
    topologySpread: group('Spreads the pods over nodes (best effort).', {
      enabled: leaf(true, S.bool(), 'Add the topology spread constraint.'),
      topologyKey: leaf('kubernetes.io/hostname', S.str({ minLength: 1 }), 'Node label to spread over (e.g. `topology.kubernetes.io/zone`).'),
      maxSkew: leaf(1, S.int(1), 'Largest allowed difference in pod count between two domains.'),
      whenUnsatisfiable: leaf('ScheduleAnyway', S.enum(['ScheduleAnyway', 'DoNotSchedule']), 'ScheduleAnyway or DoNotSchedule.'),
    }),
    extraTopologySpreadConstraints: leaf([], S.list(S.object()), 'Further topologySpreadConstraints.', {
      allOn: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app.kubernetes.io/name': name } } }],
    }),
    tmpDir: group('The writable `/tmp` (emptyDir): the root filesystem is read-only.', {
      sizeLimit: leaf('256Mi', S.quantity(), 'Size limit ("" = none).'),
      medium: leaf('', S.enum(['', 'Memory']), '"" (node disk) or Memory (tmpfs, counted against the memory limit).', { allOn: 'Memory' }),
    }),
    extraVolumes: leaf([], S.list(S.object()), 'Extra pod volumes.', { allOn: [{ name: 'extra-ca', configMap: { name: 'corporate-ca' } }] }),
    extraVolumeMounts: leaf([], S.list(S.object()), 'Extra container volume mounts.', { allOn: [{ name: 'extra-ca', mountPath: '/etc/ssl/corporate', readOnly: true }] }),
    linkerd: group('Linkerd service mesh.', {
      inject: leaf(null, S.nullable(S.bool()), 'Add `linkerd.io/inject: enabled` to the pods; null = `global.linkerd.inject` (off in this chart, on in the umbrella).', { allOn: true }),
      opaquePorts: leaf('4222', S.str({ pattern: '^$|^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$' }), 'Ports the proxy treats as opaque TCP (`config.linkerd.io/opaque-ports`): NATS (4222) speaks first, which defeats protocol detection. Annotate the NATS Service the same way.'),
    }),
    autoscaling: group('HorizontalPodAutoscaler (autoscaling/v2).', {
      enabled: leaf(false, S.bool(), 'Create the HPA (replaces `replicaCount`).', { allOn: true }),
      minReplicas: leaf(2, S.int(1), 'Fewest pods.'),
      maxReplicas: leaf(10, S.int(1), 'Most pods.'),
      targetCPUUtilizationPercentage: leaf(75, S.nullable(S.int(1, 100)), 'Average CPU utilisation target (% of requests); null = none.'),
      targetMemoryUtilizationPercentage: leaf(null, S.nullable(S.int(1, 100)), 'Average memory utilisation target; null = none.', { allOn: 80 }),
      behavior: leaf({}, S.object(), 'HPA scaling behavior.', { allOn: { scaleDown: { stabilizationWindowSeconds: 300 } } }),
    }),
    pdb: group('PodDisruptionBudget (policy/v1).', {
      enabled: leaf(false, S.bool(), 'Create the PDB.', { allOn: true }),
      minAvailable: leaf('', S.intOrString(), 'Pods that must stay available (number or percentage; "" = unset).', { allOn: 1 }),
      maxUnavailable: leaf('', S.intOrString(), 'Pods that may be unavailable; used when minAvailable is unset ("" = 1).'),
    }),
    networkPolicy: group('NetworkPolicy (networking.k8s.io/v1).', {
      enabled: leaf(false, S.bool(), 'Create the NetworkPolicy.', { allOn: true }),
      allowExternal: leaf(name === 'ingest-gateway', S.bool(),
        'Accept connections from anywhere. When false: only from Millrace pods of this release, pods labelled `<fullname>-client: "true"` and the namespaces below.', { allOn: false }),
      allowExternalEgress: leaf(true, S.bool(), 'Allow all egress. When false: DNS plus the ports of NATS, PostgreSQL (5432) and OpenSearch (from their URLs).', { allOn: false }),
      ingressNSMatchLabels: leaf({}, S.labels(), 'Labels of namespaces allowed in (e.g. the monitoring namespace), when allowExternal is false.', { allOn: { 'kubernetes.io/metadata.name': 'monitoring' } }),
      ingressNSPodMatchLabels: leaf({}, S.labels(), 'Labels of pods in those namespaces allowed in.', { allOn: { 'app.kubernetes.io/name': 'prometheus' } }),
      extraIngress: leaf([], S.list(S.object()), 'Extra ingress rules.', { allOn: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }], ports: [{ port: 8080, protocol: 'TCP' }] }] }),
      extraEgress: leaf([], S.list(S.object()), 'Extra egress rules (e.g. an S3 endpoint or drain targets).', { allOn: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 443, protocol: 'TCP' }] }] }),
    }),
    metrics: group('Prometheus metrics (`/metrics` on the http port).', {
      serviceMonitor: group('ServiceMonitor for the Prometheus Operator (monitoring.coreos.com/v1).', {
        enabled: leaf(false, S.bool(), 'Create the ServiceMonitor (needs the Prometheus Operator CRDs).', { allOn: true }),
        namespace: leaf('', S.str(), 'Namespace of the ServiceMonitor ("" = the release namespace).', { allOn: 'monitoring' }),
        labels: leaf({}, S.labels(), 'Labels the Prometheus selects ServiceMonitors by (e.g. `release: prometheus`).', { allOn: { release: 'prometheus' } }),
        annotations: leaf({}, S.labels(), 'ServiceMonitor annotations.'),
        jobLabel: leaf('', S.str(), 'Service label whose value becomes the job name.', { allOn: 'app.kubernetes.io/name' }),
        interval: leaf('30s', S.duration(), 'Scrape interval ("" = Prometheus default).', { allOn: '15s' }),
        scrapeTimeout: leaf('', S.duration(), 'Scrape timeout ("" = Prometheus default).', { allOn: '10s' }),
        honorLabels: leaf(false, S.bool(), 'Keep the labels of scraped metrics on conflict.'),
        relabelings: leaf([], S.list(S.object()), 'Relabelings before scraping.', { allOn: [{ action: 'replace', sourceLabels: ['__meta_kubernetes_pod_node_name'], targetLabel: 'node' }] }),
        metricRelabelings: leaf([], S.list(S.object()), 'Relabelings of scraped samples.', { allOn: [{ action: 'drop', sourceLabels: ['__name__'], regex: 'nodejs_gc_.*' }] }),
      }),
    }),
    ...(app.postgresql && {
      migration: group('Schema migration Job (`node apps/' + name + '/dist/migrate.js`), a pre-install/pre-upgrade hook with the same image and database settings.', {
        enabled: leaf(true, S.bool(), 'Run migrations before install and upgrade.'),
        backoffLimit: leaf(3, S.int(0), 'Retries before the Job (and the helm command) fails.'),
        activeDeadlineSeconds: leaf(900, S.int(1), 'Time limit of the Job.'),
        podAnnotations: leaf({}, S.labels(), 'Extra annotations of the Job\'s pod.', { allOn: { 'example.com/job': 'migration' } }),
        resources: leaf({ requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } }, S.object(), 'Resources of the Job.'),
      }),
    }),
  };
  return group(app.description, children, {
    schemaOnly: {
      enabled: { type: 'boolean', description: 'Read only by the millrace umbrella chart (dependency condition).' },
      'millrace-common': { type: 'object', description: 'Values Helm passes to the library chart (globals only).' },
    },
  });
}

/** Values of the millrace umbrella chart. */
export function umbrellaSpec() {
  const children = { global: globalSpec({ umbrella: true }) };
  children.global.children.nats.children.jetstreamReplicas = leaf(3, S.int(1, 5),
    'JETSTREAM_REPLICAS: stream replicas; 3 (production) needs a JetStream cluster of at least 3 nodes, use 1 with a single NATS server.');
  for (const name of APP_NAMES) {
    children[name] = group(`${APPS[name].title}: every value of the \`${name}\` chart can be set here (see charts/${name}/README.md).`, {
      enabled: leaf(APPS[name].umbrellaEnabled ?? true, S.bool(), `Install ${name}.`, APPS[name].umbrellaEnabled === false ? { allOn: true } : {}),
    }, { openSchema: true });
  }
  return group('Millrace, all services at once.', children);
}
