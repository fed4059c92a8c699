{{/*
Migration Job of a PostgreSQL app: (dict "ctx" $ "app" $app). A pre-install/pre-upgrade hook
that runs `node apps/<app>/dist/migrate.js` from the app's own image with the app's database
settings, before any pod of the new version starts. Hooks run before the chart's ordinary
objects exist, so the Job uses neither the chart's ConfigMap nor its ServiceAccount: its
environment is inline and it mounts only /tmp and the TLS material.
*/}}
{{- define "millrace-common.migrationJob" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- $m := $ctx.Values.migration -}}
{{- if and $app.postgresql $m.enabled -}}
{{- $labels := dict "ctx" $ctx "component" "migration" -}}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ printf "%s-migrate" (include "millrace-common.fullname" $ctx | trunc 55 | trimSuffix "-") }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" $labels | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
    {{- with $ctx.Values.commonAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  backoffLimit: {{ $m.backoffLimit }}
  activeDeadlineSeconds: {{ $m.activeDeadlineSeconds }}
  template:
    metadata:
      labels:
        {{- include "millrace-common.labels.standard" $labels | nindent 8 }}
      {{- $annotations := merge (include "millrace-common.podMeshAnnotations" (dict "ctx" $ctx "job" true) | fromYaml) ($m.podAnnotations | default dict) }}
      {{- with $annotations }}
      annotations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- include "millrace-common.imagePullSecrets" $ctx }}
      securityContext:
        {{- toYaml $ctx.Values.podSecurityContext | nindent 8 }}
      {{- with $ctx.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $ctx.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: migrate
          image: {{ include "millrace-common.image" $ctx | quote }}
          imagePullPolicy: {{ $ctx.Values.image.pullPolicy }}
          command:
            - node
            - {{ printf "apps/%s/dist/migrate.js" $ctx.Chart.Name }}
          securityContext:
            {{- toYaml $ctx.Values.containerSecurityContext | nindent 12 }}
          env:
            {{- range $name, $value := (include "millrace-common.configData" . | fromYaml) }}
            - name: {{ $name }}
              value: {{ $value | quote }}
            {{- end }}
            {{- with (include "millrace-common.secretEnv" . | fromYamlArray) }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with $m.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            {{- include "millrace-common.baseVolumeMounts" . | nindent 12 }}
      volumes:
        {{- include "millrace-common.baseVolumes" . | nindent 8 }}
{{- end -}}
{{- end -}}
