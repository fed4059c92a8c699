{{/*
Global and chart-level values. Connection settings (nats, postgresql, opensearch), logLevel and
linkerd.inject exist twice: under `global` (set once for every service by the millrace umbrella
chart; the app charts carry the defaults there) and at chart level. A chart-level value wins
when it is set: not null, not "", not an empty list. Maps merge key by key.
*/}}

{{/* (list $global $local) -> YAML of the merged map. */}}
{{- define "millrace-common.mergeSet" -}}
{{- $global := index . 0 | default dict -}}
{{- $local := index . 1 | default dict -}}
{{- $out := deepCopy $global -}}
{{- range $key, $value := $local -}}
{{- if kindIs "map" $value -}}
{{- $base := index $out $key -}}
{{- if not (kindIs "map" $base) -}}{{- $base = dict -}}{{- end -}}
{{- $_ := set $out $key (include "millrace-common.mergeSet" (list $base $value) | fromYaml) -}}
{{- else if not (or (kindIs "invalid" $value) (and (kindIs "string" $value) (eq $value "")) (and (kindIs "slice" $value) (empty $value))) -}}
{{- $_ := set $out $key $value -}}
{{- end -}}
{{- end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* Effective NATS settings (YAML map). */}}
{{- define "millrace-common.nats" -}}
{{- include "millrace-common.mergeSet" (list ((.Values.global).nats) .Values.nats) -}}
{{- end -}}

{{/* Effective PostgreSQL settings (YAML map). */}}
{{- define "millrace-common.postgresql" -}}
{{- include "millrace-common.mergeSet" (list ((.Values.global).postgresql) .Values.postgresql) -}}
{{- end -}}

{{/* Effective OpenSearch settings (YAML map). */}}
{{- define "millrace-common.opensearch" -}}
{{- include "millrace-common.mergeSet" (list ((.Values.global).opensearch) .Values.opensearch) -}}
{{- end -}}

{{/* "true" when pods get the Linkerd proxy: linkerd.inject if set, else global.linkerd.inject. */}}
{{- define "millrace-common.linkerd.inject" -}}
{{- $local := (.Values.linkerd).inject -}}
{{- if kindIs "bool" $local -}}
{{- ternary "true" "" $local -}}
{{- else -}}
{{- ternary "true" "" (eq (toString (((.Values.global).linkerd).inject)) "true") -}}
{{- end -}}
{{- end -}}

{{/* Effective LOG_LEVEL. */}}
{{/* TRUSTED_PROXIES: the chart's own list, else the global one ("" when neither is set). */}}
{{- define "millrace-common.trustedProxies" -}}
{{- join "," (.Values.trustedProxies | default ((.Values.global).trustedProxies) | default list) -}}
{{- end -}}

{{- define "millrace-common.logLevel" -}}
{{- .Values.logLevel | default (.Values.global).logLevel | default "info" -}}
{{- end -}}

{{/*
TCP ports named in comma-separated URLs, for NetworkPolicy egress rules:
(dict "urls" "nats://a:4222,tls://b" "default" 4222) -> YAML list of ints.
*/}}
{{- define "millrace-common.urlPorts" -}}
{{- $ports := list -}}
{{- range $url := splitList "," .urls -}}
{{- $url = trim $url -}}
{{- if $url -}}
{{- $u := urlParse $url -}}
{{- $hostPort := splitList ":" $u.host -}}
{{- if gt (len $hostPort) 1 -}}
{{- $ports = append $ports (last $hostPort | int) -}}
{{- else if eq $u.scheme "https" -}}
{{- $ports = append $ports 443 -}}
{{- else if eq $u.scheme "http" -}}
{{- $ports = append $ports 80 -}}
{{- else -}}
{{- $ports = append $ports ($.default | int) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- toYaml (uniq $ports) -}}
{{- end -}}

{{/* Fails the render on value combinations a schema cannot express. */}}
{{- define "millrace-common.validateValues" -}}
{{- if and .Values.autoscaling.enabled (gt (int .Values.autoscaling.minReplicas) (int .Values.autoscaling.maxReplicas)) -}}
{{- fail (printf "autoscaling.minReplicas (%v) must not exceed autoscaling.maxReplicas (%v)" .Values.autoscaling.minReplicas .Values.autoscaling.maxReplicas) -}}
{{- end -}}
{{- if and .Values.pdb.enabled (not (empty (toString .Values.pdb.minAvailable))) (not (empty (toString .Values.pdb.maxUnavailable))) -}}
{{- fail "pdb: set either pdb.minAvailable or pdb.maxUnavailable, not both" -}}
{{- end -}}
{{- $nats := include "millrace-common.nats" . | fromYaml -}}
{{- if not $nats.url -}}
{{- fail "nats.url (or global.nats.url) is required" -}}
{{- end -}}
{{- end -}}
