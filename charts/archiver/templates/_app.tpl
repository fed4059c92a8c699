{{/*
What is special about the archiver, read by the millrace-common templates: the sealing keys
(optional: only S3 destinations need them) and the optional filesystem archive volume (PersistentVolumeClaim or emptyDir).
*/}}
{{- define "archiver.app" -}}
{{- $fs := .Values.filesystemArchive -}}
component: archive
postgresql: true
opensearch: true
{{- if $fs.enabled }}
config:
  ARCHIVE_FS_ROOT: {{ $fs.path | quote }}
{{- end }}
env:
  - name: SEALING_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.sealing.existingSecret | quote }}
        key: {{ .Values.sealing.key | quote }}
        optional: true
  - name: SEALING_OLD_KEYS
    valueFrom:
      secretKeyRef:
        name: {{ .Values.sealing.existingSecret | quote }}
        key: {{ .Values.sealing.oldKeysKey | quote }}
        optional: true
{{- if $fs.enabled }}
volumes:
  - name: archive
    {{- if $fs.persistence.enabled }}
    persistentVolumeClaim:
      claimName: {{ $fs.persistence.existingClaim | default (printf "%s-archive" (include "millrace-common.fullname" .)) | quote }}
    {{- else }}
    emptyDir: {}
    {{- end }}
volumeMounts:
  - name: archive
    mountPath: {{ $fs.path | quote }}
{{- end }}
{{- end -}}

{{- define "archiver.notes" -}}
{{- $fs := .Values.filesystemArchive }}
{{- if $fs.enabled }}

Archives are written to {{ $fs.path }} on {{ if $fs.persistence.enabled }}the PersistentVolumeClaim {{ $fs.persistence.existingClaim | default (printf "%s-archive" (include "millrace-common.fullname" .)) }}{{ else }}an emptyDir: they are LOST with the pod (set filesystemArchive.persistence.enabled=true){{ end }}.
{{- else }}

Archive destinations (S3-compatible storage) are configured per organisation through the query API: /v1/archives.
{{- end }}
{{- end -}}
