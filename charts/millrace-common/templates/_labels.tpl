{{/*
Labels, after bitnami/common's _labels.tpl. Both helpers take
  (dict "ctx" $ "component" "<component>")
`labels.standard` is the full set for metadata; `labels.matchLabels` is the immutable subset used
in selectors (name, instance, component). The component is part of the selector so that the
migration Job's pods (component "migration") are never selected by the Service or the PDB.
commonLabels are added but can never replace a standard label.
*/}}
{{- define "millrace-common.labels.standard" -}}
{{- $ctx := .ctx -}}
{{- $labels := dict
      "helm.sh/chart" (include "millrace-common.chart" $ctx)
      "app.kubernetes.io/version" (toString $ctx.Chart.AppVersion)
      "app.kubernetes.io/part-of" "millrace"
      "app.kubernetes.io/managed-by" $ctx.Release.Service -}}
{{- $labels = merge (include "millrace-common.labels.matchLabels" . | fromYaml) $labels ($ctx.Values.commonLabels | default dict) -}}
{{- toYaml $labels -}}
{{- end -}}

{{- define "millrace-common.labels.matchLabels" -}}
app.kubernetes.io/name: {{ include "millrace-common.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/*
The metadata `annotations:` block (indented for metadata, leading newline included) from
commonAnnotations plus extra ones: (dict "ctx" $ "extra" $map). Renders nothing when empty.
*/}}
{{- define "millrace-common.annotations" -}}
{{- $annotations := merge (deepCopy (.extra | default dict)) (.ctx.Values.commonAnnotations | default dict) -}}
{{- if $annotations }}
  annotations:
    {{- toYaml $annotations | nindent 4 }}
{{- end }}
{{- end -}}
