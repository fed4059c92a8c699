{{/*
Common part of every app chart's NOTES.txt: (dict "ctx" $ "app" $app).
*/}}

{{/* Names of the existing Secrets the workload reads (YAML list). */}}
{{- define "millrace-common.secretNames" -}}
{{- $names := list -}}
{{- range (include "millrace-common.secretEnv" . | fromYamlArray) -}}
{{- if and .valueFrom .valueFrom.secretKeyRef -}}
{{- $names = append $names (printf "%s (key %s%s)" .valueFrom.secretKeyRef.name .valueFrom.secretKeyRef.key (ternary ", optional" "" (eq (toString .valueFrom.secretKeyRef.optional) "true"))) -}}
{{- end -}}
{{- end -}}
{{- range (concat (include "millrace-common.baseVolumes" . | fromYamlArray) (.app.volumes | default list)) -}}
{{- if .secret -}}
{{- $names = append $names (printf "%s (mounted)" .secret.secretName) -}}
{{- end -}}
{{- end -}}
{{- toYaml (uniq $names) -}}
{{- end -}}

{{- define "millrace-common.notes" -}}
{{- $ctx := .ctx -}}
{{- $fullname := include "millrace-common.fullname" $ctx -}}
{{- $ns := $ctx.Release.Namespace -}}
{{- $nats := include "millrace-common.nats" $ctx | fromYaml -}}
Millrace {{ $ctx.Chart.Name }} {{ $ctx.Chart.AppVersion }} is installed as "{{ $fullname }}" in namespace "{{ $ns }}".

Watch it become ready:

  kubectl -n {{ $ns }} rollout status deployment/{{ $fullname }}
{{- if and .app.postgresql $ctx.Values.migration.enabled }}
  kubectl -n {{ $ns }} logs job/{{ printf "%s-migrate" ($fullname | trunc 55 | trimSuffix "-") }}   # schema migration (pre-install/pre-upgrade hook; deleted once it succeeded)
{{- end }}

It reads these existing Secrets (the chart never creates one); a pod stuck in
CreateContainerConfigError names the one that is missing:
{{- range (include "millrace-common.secretNames" . | fromYamlArray) }}
  - {{ . }}
{{- else }}
  - (none)
{{- end }}

Health and metrics, from your machine:

  kubectl -n {{ $ns }} port-forward svc/{{ $fullname }} 8080:{{ $ctx.Values.service.ports.http }}
  curl -s http://127.0.0.1:8080/health/ready
  curl -s http://127.0.0.1:8080/metrics | head
{{- if lt (int ($nats.jetstreamReplicas | default 1)) 3 }}

Note: JetStream streams are created with {{ $nats.jetstreamReplicas | default 1 }} replica(s). Acknowledged data then
survives a NATS process crash but not the loss of that node; production runs 3 replicas
(nats.jetstreamReplicas / global.nats.jetstreamReplicas = 3 on a 3-node JetStream cluster).
{{- end }}
{{- if not (include "millrace-common.linkerd.inject" $ctx) }}

Note: the pods are not meshed (linkerd.inject is off): traffic between services is not
encrypted unless NATS, PostgreSQL and OpenSearch use TLS. Set linkerd.inject=true with Linkerd.
{{- end }}
{{- end -}}
