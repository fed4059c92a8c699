{{/*
The Deployment of a Millrace service: (dict "ctx" $ "app" $app).
*/}}
{{- define "millrace-common.deployment" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- include "millrace-common.validateValues" $ctx -}}
{{- $v := $ctx.Values -}}
{{- $fullname := include "millrace-common.fullname" $ctx -}}
{{- $labels := dict "ctx" $ctx "component" $app.component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ $fullname }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" $labels | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx) }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: {{ $v.revisionHistoryLimit }}
  strategy:
    type: {{ $v.updateStrategy.type }}
    {{- if eq $v.updateStrategy.type "RollingUpdate" }}
    rollingUpdate:
      maxUnavailable: {{ $v.updateStrategy.rollingUpdate.maxUnavailable }}
      maxSurge: {{ $v.updateStrategy.rollingUpdate.maxSurge }}
    {{- end }}
  selector:
    matchLabels:
      {{- include "millrace-common.labels.matchLabels" $labels | nindent 6 }}
  template:
    metadata:
      labels:
        {{- toYaml (merge (include "millrace-common.labels.standard" $labels | fromYaml) ($v.podLabels | default dict)) | nindent 8 }}
      annotations:
        {{- $podAnnotations := merge (dict "checksum/config" (include "millrace-common.configData" . | sha256sum)) (include "millrace-common.podMeshAnnotations" (dict "ctx" $ctx "job" false) | fromYaml) ($v.podAnnotations | default dict) }}
        {{- toYaml $podAnnotations | nindent 8 }}
    spec:
      serviceAccountName: {{ include "millrace-common.serviceAccountName" $ctx }}
      automountServiceAccountToken: false
      enableServiceLinks: false
      {{- include "millrace-common.imagePullSecrets" $ctx }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . | quote }}
      {{- end }}
      terminationGracePeriodSeconds: {{ $v.terminationGracePeriodSeconds }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if or $v.topologySpread.enabled $v.extraTopologySpreadConstraints }}
      topologySpreadConstraints:
        {{- if $v.topologySpread.enabled }}
        - maxSkew: {{ $v.topologySpread.maxSkew }}
          topologyKey: {{ $v.topologySpread.topologyKey }}
          whenUnsatisfiable: {{ $v.topologySpread.whenUnsatisfiable }}
          labelSelector:
            matchLabels:
              {{- include "millrace-common.labels.matchLabels" $labels | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
        {{- end }}
        {{- with $v.extraTopologySpreadConstraints }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- end }}
      containers:
        - name: {{ $ctx.Chart.Name }}
          image: {{ include "millrace-common.image" $ctx | quote }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          securityContext:
            {{- toYaml $v.containerSecurityContext | nindent 12 }}
          ports:
            - name: http
              containerPort: {{ $v.containerPorts.http }}
              protocol: TCP
            {{- with $app.containerPorts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          envFrom:
            - configMapRef:
                name: {{ $fullname }}
            {{- with $v.extraEnvFrom }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- with (include "millrace-common.secretEnv" . | fromYamlArray) }}
          env:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          {{- include "millrace-common.probes" $ctx | trim | nindent 10 }}
          {{- with $v.resources }}
          resources:
            {{- toYaml . | nindent 12 }}
          {{- end }}
          volumeMounts:
            {{- include "millrace-common.baseVolumeMounts" . | nindent 12 }}
            {{- with $app.volumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with $v.extraVolumeMounts }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        {{- include "millrace-common.baseVolumes" . | nindent 8 }}
        {{- with $app.volumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with $v.extraVolumes }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
{{- end -}}

{{/* Liveness (/health/live), readiness (/health/ready) and startup (/health/live) probes. */}}
{{- define "millrace-common.probes" -}}
{{- range $probe, $path := dict "livenessProbe" "/health/live" "readinessProbe" "/health/ready" "startupProbe" "/health/live" }}
{{- $p := index $.Values $probe }}
{{- if $p.enabled }}
{{ $probe }}:
  httpGet:
    path: {{ $path }}
    port: http
  initialDelaySeconds: {{ $p.initialDelaySeconds }}
  periodSeconds: {{ $p.periodSeconds }}
  timeoutSeconds: {{ $p.timeoutSeconds }}
  successThreshold: {{ $p.successThreshold }}
  failureThreshold: {{ $p.failureThreshold }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Pod annotations for the Linkerd mesh: (dict "ctx" $ "job" bool). NATS is a server-speaks-first
protocol, so port 4222 is marked opaque (no protocol detection); Jobs use the proxy as a native
sidecar so that it exits with the job's container.
*/}}
{{- define "millrace-common.podMeshAnnotations" -}}
{{- if include "millrace-common.linkerd.inject" .ctx -}}
linkerd.io/inject: enabled
{{- with .ctx.Values.linkerd.opaquePorts }}
config.linkerd.io/opaque-ports: {{ . | quote }}
{{- end }}
{{- if .job }}
config.alpha.linkerd.io/proxy-enable-native-sidecar: "true"
{{- end }}
{{- end -}}
{{- end -}}
