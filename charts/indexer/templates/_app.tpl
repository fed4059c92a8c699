{{/*
What is special about indexer, read by the millrace-common templates: nothing beyond the
common NATS, OpenSearch settings.
*/}}
{{- define "indexer.app" -}}
component: indexer
postgresql: false
opensearch: true
{{- end -}}

{{- define "indexer.notes" }}

indexer writes EVENTS into OpenSearch; add replicas (or autoscaling.enabled) to index more.
{{- end -}}
