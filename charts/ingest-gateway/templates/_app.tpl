{{/*
What is special about the ingest gateway, read by the millrace-common templates: the syslog
listeners (plain TCP always, TLS when a certificate Secret is given) and GELF over UDP.
*/}}
{{- define "ingest-gateway.app" -}}
{{- $tls := .Values.syslog.tls -}}
{{- $svc := .Values.service -}}
{{- $nodePorts := has $svc.type (list "NodePort" "LoadBalancer") -}}
component: ingest
postgresql: false
opensearch: false
config:
  SYSLOG_TCP_PORT: {{ .Values.syslog.tcpPort | quote }}
  {{- if $tls.existingSecret }}
  SYSLOG_TLS_PORT: {{ $tls.port | quote }}
  SYSLOG_TLS_CERT_FILE: {{ printf "/etc/millrace/tls/syslog/%s" $tls.certKey | quote }}
  SYSLOG_TLS_KEY_FILE: {{ printf "/etc/millrace/tls/syslog/%s" $tls.keyKey | quote }}
  {{- end }}
  {{- if .Values.gelf.enabled }}
  GELF_UDP_PORT: {{ .Values.gelf.port | quote }}
  {{- end }}
containerPorts:
  - name: syslog-tcp
    containerPort: {{ .Values.syslog.tcpPort }}
    protocol: TCP
  {{- if $tls.existingSecret }}
  - name: syslog-tls
    containerPort: {{ $tls.port }}
    protocol: TCP
  {{- end }}
  {{- if .Values.gelf.enabled }}
  - name: gelf-udp
    containerPort: {{ .Values.gelf.port }}
    protocol: UDP
  {{- end }}
servicePorts:
  - name: syslog-tcp
    port: {{ $svc.ports.syslogTcp }}
    targetPort: syslog-tcp
    protocol: TCP
    {{- if and $nodePorts $svc.nodePorts.syslogTcp }}
    nodePort: {{ $svc.nodePorts.syslogTcp }}
    {{- end }}
  {{- if $tls.existingSecret }}
  - name: syslog-tls
    port: {{ $svc.ports.syslogTls }}
    targetPort: syslog-tls
    protocol: TCP
    {{- if and $nodePorts $svc.nodePorts.syslogTls }}
    nodePort: {{ $svc.nodePorts.syslogTls }}
    {{- end }}
  {{- end }}
  {{- if .Values.gelf.enabled }}
  - name: gelf-udp
    port: {{ $svc.ports.gelfUdp }}
    targetPort: gelf-udp
    protocol: UDP
    {{- if and $nodePorts $svc.nodePorts.gelfUdp }}
    nodePort: {{ $svc.nodePorts.gelfUdp }}
    {{- end }}
  {{- end }}
{{- if $tls.existingSecret }}
volumes:
  - name: syslog-tls
    secret:
      secretName: {{ $tls.existingSecret | quote }}
      defaultMode: 288
volumeMounts:
  - name: syslog-tls
    mountPath: /etc/millrace/tls/syslog
    readOnly: true
{{- end }}
{{- end -}}

{{- define "ingest-gateway.notes" -}}
{{- $fullname := include "millrace-common.fullname" . -}}
{{- $ns := .Release.Namespace -}}
{{- $svc := .Values.service }}

Where to send logs
------------------
In the cluster the gateway is {{ $fullname }}.{{ $ns }}.svc.
{{- if eq $svc.type "LoadBalancer" }}
From outside, use the load balancer's address (EXTERNAL-IP):

  kubectl -n {{ $ns }} get svc {{ $fullname }} -w
{{- else if eq $svc.type "NodePort" }}
From outside, use any node's address and the node ports:

  kubectl -n {{ $ns }} get svc {{ $fullname }}
{{- else }}
It is not reachable from outside the cluster (service.type=ClusterIP); for shippers outside,
set service.type=LoadBalancer (or put an Ingress in front of the HTTP port).
{{- end }}

  HTTP        port {{ $svc.ports.http }}   JSON lines, NDJSON, plain text, Mezmo /logs/ingest, Logplex drains,
                         Elasticsearch _bulk, OTLP/HTTP logs
  syslog/TCP  port {{ $svc.ports.syslogTcp }}   RFC 5424/3164, octet counting or newline framing
{{- if .Values.syslog.tls.existingSecret }}
  syslog/TLS  port {{ $svc.ports.syslogTls }}   certificate from Secret {{ .Values.syslog.tls.existingSecret }}
{{- else }}
  syslog/TLS  off (set syslog.tls.existingSecret to a kubernetes.io/tls Secret to listen on {{ $svc.ports.syslogTls }})
{{- end }}
{{- if .Values.gelf.enabled }}
  GELF/UDP    port {{ $svc.ports.gelfUdp }}
{{- end }}

Every request carries an ingestion key (made with the auth service), e.g.:

  kubectl -n {{ $ns }} port-forward svc/{{ $fullname }} 8080:{{ $svc.ports.http }} &
  curl -sS "http://127.0.0.1:8080/logs/ingest?hostname=$(hostname)" \
    -H "Authorization: Bearer $MILLRACE_INGESTION_KEY" -H 'Content-Type: application/json' \
    -d '{"lines":[{"line":"hello from kubernetes","app":"demo","level":"info"}]}'

The gateway answers 2xx only once JetStream stored the batch, and 503 with Retry-After while
the broker cannot take data: shippers should retry.
{{- end -}}
