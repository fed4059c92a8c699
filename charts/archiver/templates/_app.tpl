{{/*
What is special about the archiver, read by the millrace-common templates: the archive
encryption key and the optional filesystem archive volume (PersistentVolumeClaim or emptyDir).
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
  - name: ARCHIVE_ENCRYPTION_KEY
    valueFrom:
      secretKeyRef:
        name: {{ .Values.encryptionKey.existingSecret | quote }}
        key: {{ .Values.encryptionKey.key | quote }}
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
