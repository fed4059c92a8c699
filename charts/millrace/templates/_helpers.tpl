{{/*
Full name of one service of the release, as its chart computes it (millrace-common.fullname):
(dict "ctx" $ "name" "ingest-gateway").
*/}}
{{- define "millrace.serviceFullname" -}}
{{- $values := index .ctx.Values .name | default dict -}}
{{- if $values.fullnameOverride -}}
{{- $values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .name $values.nameOverride -}}
{{- if contains $name .ctx.Release.Name -}}
{{- .ctx.Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .ctx.Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "true" when the service is enabled. */}}
{{- define "millrace.enabled" -}}
{{- $values := index .ctx.Values .name | default dict -}}
{{- if or (not (hasKey $values "enabled")) $values.enabled }}true{{ end -}}
{{- end -}}
