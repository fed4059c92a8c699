{{/*
What is special about the canary, read by the millrace-common templates: what it writes and
where it reads it back (CANARY_*), its two keys from an existing Secret, and /metrics and
/health/* on the http port.
*/}}
{{- define "canary.app" -}}
{{- $c := .Values.canary -}}
component: canary
postgresql: false
opensearch: false
config:
  CANARY_INGEST_URLS: {{ $c.ingestUrl | quote }}
  CANARY_QUERY_URLS: {{ $c.queryUrl | quote }}
  CANARY_RATE: {{ $c.rate | toString | quote }}
  {{- if $c.batch }}
  CANARY_BATCH: {{ $c.batch | toString | quote }}
  {{- end }}
  CANARY_LATE_MS: {{ $c.lateMs | toString | quote }}
  CANARY_MISSING_MS: {{ $c.missingMs | toString | quote }}
  CANARY_TAIL: {{ ternary "true" "false" $c.tail | quote }}
  CANARY_METRICS_HOST: "0.0.0.0"
  CANARY_METRICS_PORT: {{ .Values.containerPorts.http | toString | quote }}
env:
  - name: CANARY_INGEST_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.keys.existingSecret | quote }}
        key: {{ .Values.keys.ingestKeyKey | quote }}
  - name: CANARY_READ_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.keys.existingSecret | quote }}
        key: {{ .Values.keys.readKeyKey | quote }}
{{- end -}}

{{- define "canary.notes" }}

The canary writes {{ .Values.canary.rate }} lines/s through {{ .Values.canary.ingestUrl }} and reads them back through {{ .Values.canary.queryUrl }}.
Watch millrace_canary_lines_missing, millrace_canary_lines_duplicated and millrace_canary_write_to_searchable_seconds on its /metrics.
{{- end -}}
