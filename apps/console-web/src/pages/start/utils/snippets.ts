// Copy-paste configurations for the common shippers, filled with the organisation's endpoints
// and the key the person created (or a placeholder).

export interface Endpoints {
  ingestUrl: string;
  syslog?: { host: string; tcpPort?: number; tlsPort?: number };
}

export interface Snippet {
  id: string;
  title: string;
  what: string;
  text: string;
}

export const KEY_PLACEHOLDER = '<YOUR_INGESTION_KEY>';

function hostPort(url: string): { host: string; port: string; tls: boolean } {
  const u = new URL(url);
  return { host: u.hostname, port: u.port || (u.protocol === 'https:' ? '443' : '80'), tls: u.protocol === 'https:' };
}

export function buildSnippets(e: Endpoints, key = KEY_PLACEHOLDER): Snippet[] {
  const base = e.ingestUrl.replace(/\/+$/, '');
  const { host, port, tls } = hostPort(base);
  const sys = e.syslog;
  const snippets: Snippet[] = [
    {
      id: 'curl', title: 'curl', what: 'One JSON request (the Mezmo/LogDNA ingest API)',
      text: `curl -sS -H "Authorization: Bearer ${key}" -H 'Content-Type: application/json' \\
  -d '{"lines":[{"line":"hello from curl","app":"demo","level":"info"}]}' \\
  "${base}/logs/ingest"`,
    },
    {
      id: 'ndjson', title: 'NDJSON or plain text', what: 'A file or a pipe, one line per line',
      text: `tail -F /var/log/app.log | curl -sS -H "Authorization: Bearer ${key}" -H 'Content-Type: text/plain' \\
  --data-binary @- "${base}/v1/ingest?app=myapp&host=$(hostname)"`,
    },
  ];
  if (sys?.tlsPort || sys?.tcpPort) {
    const tlsPort = sys.tlsPort;
    const target = tlsPort ?? sys.tcpPort;
    snippets.push({
      id: 'rsyslog', title: 'rsyslog', what: `RFC 5424 over ${tlsPort ? 'TLS' : 'TCP'}, the key in structured data (/etc/rsyslog.d/60-millrace.conf)`,
      text: `template(name="millrace" type="string"
  string="<%PRI%>1 %TIMESTAMP:::date-rfc3339% %HOSTNAME% %APP-NAME% %PROCID% %MSGID% [millrace@53595 key=\\"${key}\\"]%msg:::sp-if-no-1st-sp%%msg:::drop-last-lf%\\n")
action(type="omfwd" target="${sys.host}" port="${target}" protocol="tcp" template="millrace"${tlsPort ? `
       StreamDriver="gtls" StreamDriverMode="1" StreamDriverAuthMode="anon"` : ''})`,
    });
    snippets.push({
      id: 'syslog-ng', title: 'syslog-ng', what: `RFC 5424 over ${tlsPort ? 'TLS' : 'TCP'} (/etc/syslog-ng/conf.d/millrace.conf)`,
      text: `rewrite r_millrace { set("${key}" value(".SDATA.millrace@53595.key")); };
destination d_millrace { syslog("${sys.host}" port(${target}) transport(${tlsPort ? '"tls" tls(peer-verify(optional-untrusted))' : '"tcp"'})); };
log { source(s_src); rewrite(r_millrace); destination(d_millrace); };`,
    });
  }
  snippets.push(
    {
      id: 'vector', title: 'Vector', what: 'The Elasticsearch sink, through the _bulk API (vector.yaml)',
      text: `sinks:
  millrace:
    type: elasticsearch
    inputs: [my_logs]
    endpoints: ["${base}"]
    api_version: v8
    mode: bulk
    auth:
      strategy: basic
      user: "${key}"
      password: ""`,
    },
    {
      id: 'fluent-bit', title: 'Fluent Bit', what: 'The es output, through the _bulk API (fluent-bit.conf)',
      text: `[OUTPUT]
    Name            es
    Match           *
    Host            ${host}
    Port            ${port}
    tls             ${tls ? 'On' : 'Off'}
    HTTP_User       ${key}
    HTTP_Passwd     x
    Suppress_Type_Name On`,
    },
    {
      id: 'otel', title: 'OpenTelemetry', what: 'The Collector’s OTLP/HTTP exporter (or OTEL_EXPORTER_OTLP_LOGS_* in an SDK)',
      text: `exporters:
  otlphttp/millrace:
    logs_endpoint: ${base}/v1/logs
    headers:
      Authorization: "Bearer ${key}"
service:
  pipelines:
    logs:
      receivers: [otlp]
      exporters: [otlphttp/millrace]

# or, in any OpenTelemetry SDK:
# OTEL_EXPORTER_OTLP_LOGS_ENDPOINT=${base}/v1/logs
# OTEL_EXPORTER_OTLP_LOGS_HEADERS="Authorization=Bearer ${key}"`,
    },
    {
      id: 'loki', title: 'Loki push (Promtail, Alloy)', what: 'Any client of Grafana Loki’s push API',
      text: `# Promtail
clients:
  - url: ${base}/loki/api/v1/push
    bearer_token: ${key}

# Grafana Alloy
loki.write "millrace" {
  endpoint {
    url          = "${base}/loki/api/v1/push"
    bearer_token = "${key}"
  }
}`,
    },
    {
      id: 'heroku', title: 'Heroku log drain', what: 'Logplex frames over HTTPS (the key as the URL’s password)',
      text: `heroku drains:add "${base.replace(/^(https?:\/\/)/, `$1token:${encodeURIComponent(key)}@`)}/logplex" -a my-app`,
    },
  );
  return snippets;
}
