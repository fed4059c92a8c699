{{/*
ConfigMap, Service, ServiceAccount, HPA, PDB, NetworkPolicy and ServiceMonitor of a Millrace
service. Each takes (dict "ctx" $ "app" $app) and renders nothing when switched off.
*/}}

{{- define "millrace-common.configmap" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "millrace-common.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" (dict "ctx" $ctx "component" .app.component) | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx) }}
data:
  {{- include "millrace-common.configData" . | nindent 2 }}
{{- end -}}

{{- define "millrace-common.service" -}}
{{- $ctx := .ctx -}}
{{- $svc := $ctx.Values.service -}}
{{- $labels := dict "ctx" $ctx "component" .app.component -}}
{{- $nodePorts := and (has $svc.type (list "NodePort" "LoadBalancer")) (not (empty $svc.nodePorts)) -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "millrace-common.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" $labels | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx "extra" $svc.annotations) }}
spec:
  type: {{ $svc.type }}
  {{- if and $svc.clusterIP (eq $svc.type "ClusterIP") }}
  clusterIP: {{ $svc.clusterIP | quote }}
  {{- end }}
  {{- if eq $svc.type "LoadBalancer" }}
  {{- with $svc.loadBalancerClass }}
  loadBalancerClass: {{ . | quote }}
  {{- end }}
  {{- with $svc.loadBalancerSourceRanges }}
  loadBalancerSourceRanges:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- end }}
  {{- if and $svc.externalTrafficPolicy (has $svc.type (list "NodePort" "LoadBalancer")) }}
  externalTrafficPolicy: {{ $svc.externalTrafficPolicy }}
  {{- end }}
  ports:
    - name: http
      port: {{ $svc.ports.http }}
      targetPort: http
      protocol: TCP
      {{- if and $nodePorts $svc.nodePorts.http }}
      nodePort: {{ $svc.nodePorts.http }}
      {{- end }}
    {{- with .app.servicePorts }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  selector:
    {{- include "millrace-common.labels.matchLabels" $labels | nindent 4 }}
{{- end -}}

{{- define "millrace-common.serviceaccount" -}}
{{- $ctx := .ctx -}}
{{- if $ctx.Values.serviceAccount.create -}}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "millrace-common.serviceAccountName" $ctx }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" (dict "ctx" $ctx "component" .app.component) | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx "extra" $ctx.Values.serviceAccount.annotations) }}
automountServiceAccountToken: {{ $ctx.Values.serviceAccount.automountServiceAccountToken }}
{{- end -}}
{{- end -}}

{{- define "millrace-common.hpa" -}}
{{- $ctx := .ctx -}}
{{- $hpa := $ctx.Values.autoscaling -}}
{{- if $hpa.enabled -}}
{{- $fullname := include "millrace-common.fullname" $ctx -}}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ $fullname }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" (dict "ctx" $ctx "component" .app.component) | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx) }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ $fullname }}
  minReplicas: {{ $hpa.minReplicas }}
  maxReplicas: {{ $hpa.maxReplicas }}
  metrics:
    {{- if or $hpa.targetCPUUtilizationPercentage (not $hpa.targetMemoryUtilizationPercentage) }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $hpa.targetCPUUtilizationPercentage | default 75 }}
    {{- end }}
    {{- with $hpa.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $hpa.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}
{{- end -}}

{{- define "millrace-common.pdb" -}}
{{- $ctx := .ctx -}}
{{- $pdb := $ctx.Values.pdb -}}
{{- if $pdb.enabled -}}
{{- $labels := dict "ctx" $ctx "component" .app.component -}}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "millrace-common.fullname" $ctx }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" $labels | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx) }}
spec:
  {{- if not (empty (toString $pdb.minAvailable)) }}
  minAvailable: {{ $pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ empty (toString $pdb.maxUnavailable) | ternary 1 $pdb.maxUnavailable }}
  {{- end }}
  unhealthyPodEvictionPolicy: AlwaysAllow
  selector:
    matchLabels:
      {{- include "millrace-common.labels.matchLabels" $labels | nindent 6 }}
{{- end -}}
{{- end -}}

{{/*
NetworkPolicy. Ingress: every container port, from anywhere when allowExternal, else only from
the other Millrace pods of the release, from pods labelled "<fullname>-client: true" and from
the namespaces/pods named in ingressNSMatchLabels/ingressNSPodMatchLabels (e.g. Prometheus).
Egress: everything when allowExternalEgress, else DNS plus the ports of NATS, PostgreSQL (5432)
and OpenSearch taken from their URLs (and the Linkerd control plane when meshed);
extraIngress/extraEgress add rules.
*/}}
{{- define "millrace-common.networkpolicy" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- $np := $ctx.Values.networkPolicy -}}
{{- if $np.enabled -}}
{{- $fullname := include "millrace-common.fullname" $ctx -}}
{{- $labels := dict "ctx" $ctx "component" $app.component -}}
{{- $mesh := include "millrace-common.linkerd.inject" $ctx -}}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ $fullname }}
  namespace: {{ $ctx.Release.Namespace | quote }}
  labels:
    {{- include "millrace-common.labels.standard" $labels | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx) }}
spec:
  podSelector:
    matchLabels:
      {{- include "millrace-common.labels.matchLabels" $labels | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - ports:
        - port: {{ $ctx.Values.containerPorts.http }}
          protocol: TCP
        {{- range $app.containerPorts }}
        - port: {{ .containerPort }}
          protocol: {{ .protocol | default "TCP" }}
        {{- end }}
      {{- if not $np.allowExternal }}
      from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/part-of: millrace
              app.kubernetes.io/instance: {{ $ctx.Release.Name }}
        - podSelector:
            matchLabels:
              {{ printf "%s-client" $fullname }}: "true"
        {{- if or $np.ingressNSMatchLabels $np.ingressNSPodMatchLabels }}
        - namespaceSelector:
            {{- if $np.ingressNSMatchLabels }}
            matchLabels:
              {{- toYaml $np.ingressNSMatchLabels | nindent 14 }}
            {{- else }}
            {}
            {{- end }}
          {{- with $np.ingressNSPodMatchLabels }}
          podSelector:
            matchLabels:
              {{- toYaml . | nindent 14 }}
          {{- end }}
        {{- end }}
      {{- end }}
    {{- if and $mesh (not $np.allowExternal) }}
    # Linkerd: the proxy's admin port (metrics), scraped by linkerd-viz.
    - ports:
        - port: 4191
          protocol: TCP
      from:
        - namespaceSelector:
            matchLabels:
              linkerd.io/extension: viz
    {{- end }}
    {{- with $np.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    {{- if $np.allowExternalEgress }}
    - {}
    {{- else }}
    - ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- $ports := include "millrace-common.urlPorts" (dict "urls" (include "millrace-common.nats" $ctx | fromYaml).url "default" 4222) | fromYamlArray -}}
    {{- if $app.postgresql }}{{ $ports = append $ports 5432 }}{{ end -}}
    {{- if $app.opensearch }}{{ $ports = concat $ports (include "millrace-common.urlPorts" (dict "urls" (include "millrace-common.opensearch" $ctx | fromYaml).url "default" 9200) | fromYamlArray) }}{{ end }}
    - ports:
        {{- range uniq $ports }}
        - port: {{ . }}
          protocol: TCP
        {{- end }}
    {{- if $mesh }}
    # Linkerd: the proxy talks to the control plane (identity 8080, destination 8086, policy 8090).
    - to:
        - namespaceSelector:
            matchLabels:
              linkerd.io/is-control-plane: "true"
      ports:
        - port: 8080
          protocol: TCP
        - port: 8086
          protocol: TCP
        - port: 8090
          protocol: TCP
    {{- end }}
    {{- end }}
    {{- with $np.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
{{- end -}}
{{- end -}}

{{- define "millrace-common.servicemonitor" -}}
{{- $ctx := .ctx -}}
{{- $sm := $ctx.Values.metrics.serviceMonitor -}}
{{- if $sm.enabled -}}
{{- $labels := dict "ctx" $ctx "component" .app.component -}}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "millrace-common.fullname" $ctx }}
  namespace: {{ $sm.namespace | default $ctx.Release.Namespace | quote }}
  labels:
    {{- toYaml (merge (include "millrace-common.labels.standard" $labels | fromYaml) ($sm.labels | default dict)) | nindent 4 }}
  {{- include "millrace-common.annotations" (dict "ctx" $ctx "extra" $sm.annotations) }}
spec:
  {{- with $sm.jobLabel }}
  jobLabel: {{ . | quote }}
  {{- end }}
  namespaceSelector:
    matchNames:
      - {{ $ctx.Release.Namespace | quote }}
  selector:
    matchLabels:
      {{- include "millrace-common.labels.matchLabels" $labels | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      {{- with $sm.interval }}
      interval: {{ . }}
      {{- end }}
      {{- with $sm.scrapeTimeout }}
      scrapeTimeout: {{ . }}
      {{- end }}
      honorLabels: {{ $sm.honorLabels }}
      {{- with $sm.relabelings }}
      relabelings:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $sm.metricRelabelings }}
      metricRelabelings:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end -}}
{{- end -}}
