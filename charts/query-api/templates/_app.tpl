{{/*
What is special about the query API, read by the millrace-common templates: the keys that seal
the stored secrets (SEALING_KEY), the folder-archive root and the drains' private-target switch.
*/}}
{{- define "query-api.app" -}}
component: api
postgresql: true
opensearch: true
config:
  DRAINS_ALLOW_PRIVATE_TARGETS: {{ .Values.allowPrivateDrainTargets | quote }}
  {{- with .Values.archiveFsRoot }}
  ARCHIVE_FS_ROOT: {{ . | quote }}
  {{- end }}
env:
  - name: SEALING_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.sealing.existingSecret | quote }}
        key: {{ .Values.sealing.key | quote }}
  - name: SEALING_OLD_KEYS
    valueFrom:
      secretKeyRef:
        name: {{ .Values.sealing.existingSecret | quote }}
        key: {{ .Values.sealing.oldKeysKey | quote }}
        optional: true
{{- end -}}

{{- define "query-api.notes" -}}
{{- $fullname := include "millrace-common.fullname" . -}}
{{- $ns := .Release.Namespace }}

Search your logs
----------------
The API is {{ $fullname }}.{{ $ns }}.svc:{{ .Values.service.ports.http }} in the cluster. From your machine, with a
service key that has the logs:read scope (made with the auth service):

  kubectl -n {{ $ns }} port-forward svc/{{ $fullname }} 8080:{{ .Values.service.ports.http }} &
  curl -sS -G http://127.0.0.1:8080/v1/search \
    -H "Authorization: Bearer $MILLRACE_SERVICE_KEY" \
    --data-urlencode 'q=level:error timeout' --data-urlencode 'from=-15m' --data-urlencode 'limit=20'

Results come newest first; pass the returned cursor as `cursor=` for the next page.
{{- end -}}
