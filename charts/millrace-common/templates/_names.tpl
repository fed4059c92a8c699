{{/*
Names. Every helper here takes the root context (`.`) of the calling app chart.
*/}}

{{/* Chart name, or nameOverride. */}}
{{- define "millrace-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/*
Fully qualified app name: fullnameOverride, else the release name when it already contains the
chart name, else "<release>-<chart>". Truncated to 63 characters (DNS label limit).
*/}}
{{- define "millrace-common.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* "<chart>-<version>" for the helm.sh/chart label. */}}
{{- define "millrace-common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Name of the ServiceAccount the pods run as. */}}
{{- define "millrace-common.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "millrace-common.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
Container image reference. global.imageRegistry, when set, replaces the registry host of
image.repository (or is prefixed when the repository names none). A digest wins over a tag;
the tag defaults to the chart's appVersion.
*/}}
{{- define "millrace-common.image" -}}
{{- $repo := .Values.image.repository -}}
{{- $registry := (.Values.global).imageRegistry -}}
{{- if $registry -}}
{{- $parts := splitList "/" $repo -}}
{{- $first := first $parts -}}
{{- if and (gt (len $parts) 1) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" $registry) (rest $parts | join "/") -}}
{{- else -}}
{{- $repo = printf "%s/%s" (trimSuffix "/" $registry) $repo -}}
{{- end -}}
{{- end -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $repo .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (toString (.Values.image.tag | default .Chart.AppVersion)) -}}
{{- end -}}
{{- end -}}

{{/* The pod's imagePullSecrets block (leading newline, indented for a pod spec): global plus the chart's own. */}}
{{- define "millrace-common.imagePullSecrets" -}}
{{- $names := concat ((.Values.global).imagePullSecrets | default list) (.Values.imagePullSecrets | default list) | uniq -}}
{{- if $names }}
      imagePullSecrets:
{{- range $names }}
        - name: {{ . | quote }}
{{- end }}
{{- end }}
{{- end -}}
