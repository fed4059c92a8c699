{{/*
What is special about auth, read by the millrace-common templates: the encryption key of the
signing keys and the optional first-owner bootstrap, both from existing Secrets.
*/}}
{{- define "auth.app" -}}
{{- $b := .Values.bootstrap -}}
{{- $bootstrap := list $b.organization $b.ownerEmail $b.existingSecret -}}
{{- if and (has "" $bootstrap) (not (empty (compact $bootstrap))) -}}
{{- fail "bootstrap: set bootstrap.organization, bootstrap.ownerEmail and bootstrap.existingSecret together, or none of them" -}}
{{- end -}}
component: auth
postgresql: true
opensearch: false
{{- if $b.organization }}
config:
  AUTH_BOOTSTRAP_ORG: {{ $b.organization | quote }}
  AUTH_BOOTSTRAP_OWNER_EMAIL: {{ $b.ownerEmail | quote }}
{{- end }}
env:
  - name: AUTH_ENCRYPTION_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.encryptionKey.existingSecret | quote }}
        key: {{ .Values.encryptionKey.key | quote }}
  {{- if $b.organization }}
  - name: AUTH_BOOTSTRAP_OWNER_PASSWORD
    valueFrom:
      secretKeyRef:
        name: {{ $b.existingSecret | quote }}
        key: {{ $b.passwordKey | quote }}
  {{- end }}
{{- end -}}

{{- define "auth.notes" -}}
{{- if .Values.bootstrap.organization }}

On first start auth creates organisation "{{ .Values.bootstrap.organization }}" with owner {{ .Values.bootstrap.ownerEmail }}
(password from Secret {{ .Values.bootstrap.existingSecret }}). Log in as that owner to create ingestion and service keys.
{{- else }}

No first owner is configured (bootstrap.*): set bootstrap.organization, bootstrap.ownerEmail and
bootstrap.existingSecret to create the first organisation and its owner on start.
{{- end }}
{{- end -}}
