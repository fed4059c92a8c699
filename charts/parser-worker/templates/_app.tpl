{{/*
What is special about parser-worker, read by the millrace-common templates: nothing beyond the
common NATS settings.
*/}}
{{- define "parser-worker.app" -}}
component: parser
postgresql: false
opensearch: false
{{- end -}}

{{- define "parser-worker.notes" }}

parser-worker parses PARSE batches into EVENTS; add replicas (or autoscaling.enabled) to parse more.
{{- end -}}
