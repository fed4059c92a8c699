{{/*
Environment of a Millrace container. Helpers take (dict "ctx" $ "app" $app), where $app is the
app chart's own description (its "<chart>.app" template, parsed):
  component       app.kubernetes.io/component of the workload
  postgresql      true when the app keeps state in PostgreSQL (DATABASE_*, migration Job)
  opensearch      true when the app talks to OpenSearch (OPENSEARCH_*)
  config          extra non-secret settings for the ConfigMap
  env             extra env entries (secretKeyRef ...)
  containerPorts  extra container ports
  servicePorts    extra Service ports
  volumes, volumeMounts   extra volumes for the Deployment (not for the migration Job)
Secrets are never created by the charts: every credential is read from an existing Secret.
*/}}

{{- define "millrace-common.tlsDir" -}}/etc/millrace/tls{{- end -}}

{{/* Non-secret settings (YAML map of strings): the ConfigMap's data and the Job's inline env. */}}
{{- define "millrace-common.configData" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- $tls := include "millrace-common.tlsDir" . -}}
{{- $nats := include "millrace-common.nats" $ctx | fromYaml -}}
{{- $data := dict
      "HTTP_HOST" "0.0.0.0"
      "HTTP_PORT" (toString (int $ctx.Values.containerPorts.http))
      "LOG_LEVEL" (include "millrace-common.logLevel" $ctx)
      "NATS_URL" (toString $nats.url)
      "JETSTREAM_REPLICAS" (toString (int ($nats.jetstreamReplicas | default 1))) -}}
{{- with include "millrace-common.trustedProxies" $ctx -}}
{{- $_ := set $data "TRUSTED_PROXIES" . -}}
{{- end -}}
{{- with $nats.tls -}}
{{- if .existingSecret -}}
{{- if .caKey }}{{ $_ := set $data "NATS_TLS_CA_FILE" (printf "%s/nats/%s" $tls .caKey) }}{{ end -}}
{{- if .certKey }}{{ $_ := set $data "NATS_TLS_CERT_FILE" (printf "%s/nats/%s" $tls .certKey) }}{{ end -}}
{{- if .keyKey }}{{ $_ := set $data "NATS_TLS_KEY_FILE" (printf "%s/nats/%s" $tls .keyKey) }}{{ end -}}
{{- end -}}
{{- end -}}
{{- if $app.postgresql -}}
{{- $pg := include "millrace-common.postgresql" $ctx | fromYaml -}}
{{- $_ := set $data "DATABASE_SSL" (ternary "true" "false" (eq (toString $pg.ssl) "true")) -}}
{{- if and $pg.tls $pg.tls.existingSecret $pg.tls.caKey -}}
{{- $_ := set $data "DATABASE_SSL_CA_FILE" (printf "%s/postgresql/%s" $tls $pg.tls.caKey) -}}
{{- end -}}
{{- end -}}
{{- if $app.opensearch -}}
{{- $os := include "millrace-common.opensearch" $ctx | fromYaml -}}
{{- $_ := set $data "OPENSEARCH_URL" (toString $os.url) -}}
{{- if and $os.tls $os.tls.existingSecret $os.tls.caKey -}}
{{- $_ := set $data "OPENSEARCH_TLS_CA_FILE" (printf "%s/opensearch/%s" $tls $os.tls.caKey) -}}
{{- end -}}
{{- end -}}
{{- range $key, $value := $app.config -}}
{{- $_ := set $data $key (toString $value) -}}
{{- end -}}
{{- range $key, $value := $ctx.Values.config -}}
{{- $_ := set $data $key (toString $value) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* Env entries read from existing Secrets (YAML list), plus extraEnv. */}}
{{- define "millrace-common.secretEnv" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- $env := list -}}
{{- $nats := include "millrace-common.nats" $ctx | fromYaml -}}
{{- with $nats.auth -}}
{{- if .existingSecret -}}
{{- $secret := .existingSecret -}}
{{- range $name, $key := dict "NATS_USER" .userKey "NATS_PASSWORD" .passwordKey "NATS_TOKEN" .tokenKey -}}
{{- if $key -}}
{{- $env = append $env (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" $key "optional" true))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- if $app.postgresql -}}
{{- $pg := include "millrace-common.postgresql" $ctx | fromYaml -}}
{{- if not $pg.existingSecret -}}
{{- fail "postgresql.existingSecret (or global.postgresql.existingSecret) must name the Secret that holds DATABASE_URL" -}}
{{- end -}}
{{- $env = append $env (dict "name" "DATABASE_URL" "valueFrom" (dict "secretKeyRef" (dict "name" $pg.existingSecret "key" ($pg.urlKey | default "database-url")))) -}}
{{- end -}}
{{- if $app.opensearch -}}
{{- $os := include "millrace-common.opensearch" $ctx | fromYaml -}}
{{- with $os.auth -}}
{{- if .existingSecret -}}
{{- $secret := .existingSecret -}}
{{- range $name, $key := dict "OPENSEARCH_USERNAME" .usernameKey "OPENSEARCH_PASSWORD" .passwordKey -}}
{{- if $key -}}
{{- $env = append $env (dict "name" $name "valueFrom" (dict "secretKeyRef" (dict "name" $secret "key" $key "optional" true))) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- range $app.env -}}
{{- $env = append $env . -}}
{{- end -}}
{{- range $ctx.Values.extraEnv -}}
{{- $env = append $env . -}}
{{- end -}}
{{- toYaml $env -}}
{{- end -}}

{{/* Volumes for the TLS material of NATS, PostgreSQL and OpenSearch, plus /tmp (YAML list). */}}
{{- define "millrace-common.baseVolumes" -}}
{{- $ctx := .ctx -}}
{{- $app := .app -}}
{{- $tmp := dict "name" "tmp" "emptyDir" (dict) -}}
{{- if $ctx.Values.tmpDir.sizeLimit }}{{ $_ := set $tmp.emptyDir "sizeLimit" $ctx.Values.tmpDir.sizeLimit }}{{ end -}}
{{- if $ctx.Values.tmpDir.medium }}{{ $_ := set $tmp.emptyDir "medium" $ctx.Values.tmpDir.medium }}{{ end -}}
{{- $volumes := list $tmp -}}
{{- $nats := include "millrace-common.nats" $ctx | fromYaml -}}
{{- if and $nats.tls $nats.tls.existingSecret -}}
{{- $volumes = append $volumes (dict "name" "nats-tls" "secret" (dict "secretName" $nats.tls.existingSecret "defaultMode" 288)) -}}
{{- end -}}
{{- if $app.postgresql -}}
{{- $pg := include "millrace-common.postgresql" $ctx | fromYaml -}}
{{- if and $pg.tls $pg.tls.existingSecret -}}
{{- $volumes = append $volumes (dict "name" "postgresql-tls" "secret" (dict "secretName" $pg.tls.existingSecret "defaultMode" 288)) -}}
{{- end -}}
{{- end -}}
{{- if $app.opensearch -}}
{{- $os := include "millrace-common.opensearch" $ctx | fromYaml -}}
{{- if and $os.tls $os.tls.existingSecret -}}
{{- $volumes = append $volumes (dict "name" "opensearch-tls" "secret" (dict "secretName" $os.tls.existingSecret "defaultMode" 288)) -}}
{{- end -}}
{{- end -}}
{{- toYaml $volumes -}}
{{- end -}}

{{/* Mounts matching baseVolumes (YAML list). */}}
{{- define "millrace-common.baseVolumeMounts" -}}
{{- $tls := include "millrace-common.tlsDir" . -}}
{{- $mounts := list -}}
{{- range (include "millrace-common.baseVolumes" . | fromYamlArray) -}}
{{- if eq .name "tmp" -}}
{{- $mounts = append $mounts (dict "name" "tmp" "mountPath" "/tmp") -}}
{{- else -}}
{{- $mounts = append $mounts (dict "name" .name "mountPath" (printf "%s/%s" $tls (trimSuffix "-tls" .name)) "readOnly" true) -}}
{{- end -}}
{{- end -}}
{{- toYaml $mounts -}}
{{- end -}}
