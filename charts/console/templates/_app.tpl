{{/*
What is special about the console, read by the millrace-common templates: the secret that seals
the session cookie, the two services it fronts, and the endpoints its getting-started page shows.
*/}}
{{- define "console.app" -}}
{{- $u := .Values.upstreams -}}
{{- $g := .Values.gettingStarted -}}
component: console
postgresql: false
opensearch: false
config:
  QUERY_API_URL: {{ $u.queryApiUrl | default (printf "http://%s-query-api:8080" .Release.Name) | quote }}
  AUTH_URL: {{ $u.authUrl | default (printf "http://%s-auth:8080" .Release.Name) | quote }}
  CONSOLE_SECURE_COOKIES: {{ .Values.secureCookies | quote }}
  {{- with $g.ingestUrl }}
  CONSOLE_PUBLIC_INGEST_URL: {{ . | quote }}
  {{- end }}
  {{- with $g.syslogHost }}
  CONSOLE_PUBLIC_SYSLOG_HOST: {{ . | quote }}
  {{- end }}
  {{- with $g.syslogTcpPort }}
  CONSOLE_PUBLIC_SYSLOG_TCP_PORT: {{ . | toString | quote }}
  {{- end }}
  {{- with $g.syslogTlsPort }}
  CONSOLE_PUBLIC_SYSLOG_TLS_PORT: {{ . | toString | quote }}
  {{- end }}
env:
  - name: CONSOLE_SESSION_SECRET
    valueFrom:
      secretKeyRef:
        name: {{ .Values.sessionSecret.existingSecret | quote }}
        key: {{ .Values.sessionSecret.key | quote }}
{{- end -}}

{{- define "console.notes" -}}
{{- $fullname := include "millrace-common.fullname" . -}}
{{- $ns := .Release.Namespace }}

Open the console
----------------
The console is {{ $fullname }}.{{ $ns }}.svc:{{ .Values.service.ports.http }} in the cluster. Put it behind your ingress
(TLS, and secureCookies: always) or a LoadBalancer Service, or try it from your machine:

  kubectl -n {{ $ns }} port-forward svc/{{ $fullname }} 8088:{{ .Values.service.ports.http }}
  open http://127.0.0.1:8088/

Log in with a user of an organisation (the auth chart's bootstrap owner, for example).
{{- end -}}
