{{/*
What is special about broker-router, read by the millrace-common templates: nothing beyond the
common NATS, PostgreSQL settings.
*/}}
{{- define "broker-router.app" -}}
component: broker
postgresql: true
opensearch: false
{{- end -}}

{{- define "broker-router.notes" }}

broker-router routes raw batches from INGEST to PARSE (quotas, exclusion rules, sampling, drains).
{{- end -}}
