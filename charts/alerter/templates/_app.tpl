{{/*
What is special about alerter, read by the millrace-common templates: nothing beyond the
common NATS, PostgreSQL, OpenSearch settings.
*/}}
{{- define "alerter.app" -}}
component: alerting
postgresql: true
opensearch: true
{{- end -}}

{{- define "alerter.notes" }}

alerter evaluates alerts on EVENTS and OpenSearch and sends notifications.
{{- end -}}
