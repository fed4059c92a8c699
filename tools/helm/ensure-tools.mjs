#!/usr/bin/env node
// Installs, when missing, the tools the Helm chart tests and the `charts:lint` target use:
//   - helm, built from source with `go install` (the network reaches the Go module proxy, not
//     GitHub release downloads), with the same version ldflags as Helm's own Makefile;
//   - kubeconform, also built with `go install`;
//   - strict JSON schemas for kubeconform, generated here from the Kubernetes OpenAPI spec
//     (`api/openapi-spec/swagger.json` of the k8s.io/kubernetes Go module) plus the
//     ServiceMonitor CRD of the prometheus-operator Go module, because kubeconform's default
//     schema download (raw.githubusercontent.com) is not reachable.
// Everything lands in <repo>/.millrace/tools (git-ignored). Idempotent: a second run only
// checks version stamps and returns in milliseconds.
//
// usage: node tools/helm/ensure-tools.mjs            (installs if needed, prints versions)
//        import { ensureHelmTools } from './ensure-tools.mjs'

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const HELM_VERSION = 'v3.22.0';
/** Kubernetes version Helm's default capabilities report, as Helm's Makefile derives it from client-go v0.37. */
const HELM_K8S_DEFAULT = { major: '1', minor: '37' };
export const KUBECONFORM_VERSION = 'v0.8.0';
/** Newest k8s.io/kubernetes release the Go module proxy serves; the schemas describe this API. */
export const KUBERNETES_VERSION = '1.36.3';
export const PROMETHEUS_OPERATOR_VERSION = 'v0.89.0';
/** Bump when the schema conversion below changes, so cached schemas are regenerated. */
const SCHEMA_GENERATOR_REVISION = 1;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const toolsDir = join(repoRoot, '.millrace', 'tools');
const binDir = join(toolsDir, 'bin');
const schemaRoot = join(toolsDir, 'k8s-schemas');

const log = (quiet, msg) => {
  if (!quiet) process.stderr.write(`[ensure-tools] ${msg}\n`);
};

function run(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024, ...opts });
}

function goEnv() {
  const gobinTmp = join(toolsDir, `.gobin-${process.pid}`);
  return {
    gobinTmp,
    env: {
      ...process.env,
      GOBIN: gobinTmp,
      GOFLAGS: '-mod=mod -buildvcs=false',
      CGO_ENABLED: '0',
    },
  };
}

/** `go install pkg@version` into a private GOBIN, then move the binary into place (atomic for readers). */
function goInstall(pkg, version, binary, ldflags, quiet) {
  const { gobinTmp, env } = goEnv();
  mkdirSync(gobinTmp, { recursive: true });
  log(quiet, `go install ${pkg}@${version} (first run only; takes a few minutes)`);
  try {
    const args = ['install', '-trimpath'];
    if (ldflags) args.push(`-ldflags=${ldflags}`);
    args.push(`${pkg}@${version}`);
    try {
      run('go', args, { env, cwd: toolsDir });
    } catch (err) {
      throw new Error(`go install ${pkg}@${version} failed (exit ${err.status}):\n${err.stderr ?? err.message}`);
    }
    renameSync(join(gobinTmp, binary), join(binDir, binary));
    writeFileSync(join(binDir, `.${binary}.version`), `${version}\n`);
  } finally {
    rmSync(gobinTmp, { recursive: true, force: true });
  }
}

function stamped(binary, version) {
  const stamp = join(binDir, `.${binary}.version`);
  return existsSync(join(binDir, binary)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === version;
}

/** Directory of a Go module version in the module cache (downloads it through the proxy if needed). */
function goModuleDir(module, version) {
  const out = JSON.parse(run('go', ['mod', 'download', '-json', `${module}@${version}`], { cwd: toolsDir, env: { ...process.env, GOFLAGS: '-mod=mod' } }));
  if (out.Error || !out.Dir) throw new Error(`go mod download ${module}@${version}: ${out.Error ?? 'no Dir'}`);
  return out.Dir;
}

// ---------------------------------------------------------------------------------------------
// Schema generation: OpenAPI v2 definitions -> one standalone, strict JSON schema per kind, in
// the file layout kubeconform expects ({kind}-{group prefix}-{version}.json). "Strict" means
// additionalProperties: false on every object that declares properties, so a misspelt field
// fails validation, as it would fail `kubectl apply --validate=strict`.

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

export function nullable(type) {
  if (Array.isArray(type)) return type.includes('null') ? type : [...type, 'null'];
  return [type, 'null'];
}

/** Convert one OpenAPI (v2 or CRD v3) schema node to JSON schema draft-07, collecting referenced definitions. */
export function convertNode(node, refs) {
  if (Array.isArray(node)) return node.map((n) => convertNode(n, refs));
  if (!node || typeof node !== 'object') return node;
  if (node.format === 'int-or-string' || node['x-kubernetes-int-or-string']) {
    return { description: node.description, oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
  }
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === '$ref') {
      const name = value.replace(/^#\/definitions\//, '');
      refs.add(name);
      out.$ref = `#/definitions/${name}`;
    } else if (key === 'properties' || key === 'patternProperties') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, convertNode(v, refs)]));
    } else if (key === 'type') {
      out.type = nullable(value);
    } else if (key === 'format') {
      if (value === 'date-time') out.format = value; // int32/int64/byte/double carry no check kubeconform needs
    } else if (typeof value === 'object') {
      out[key] = convertNode(value, refs);
    } else {
      out[key] = value;
    }
  }
  if (out.properties && out.additionalProperties === undefined && !node['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  return out;
}

function definitionSchema(name) {
  if (name === INT_OR_STRING) return { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] };
  if (name === QUANTITY) return { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'null' }] };
  return null;
}

/** The schema of one root, with the transitive closure of its references under `definitions`. */
export function standalone(root, rootRefs, definitions) {
  const defs = {};
  const queue = [...rootRefs];
  while (queue.length) {
    const name = queue.pop();
    if (defs[name]) continue;
    const special = definitionSchema(name);
    if (special) {
      defs[name] = special;
      continue;
    }
    const raw = definitions[name];
    if (!raw) throw new Error(`unresolved $ref ${name}`);
    const refs = new Set();
    defs[name] = convertNode(raw, refs);
    for (const r of refs) if (!defs[r]) queue.push(r);
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...root, definitions: defs };
}

export function kindFileName(kind, group, version) {
  const suffix = group ? `-${group.split('.')[0].toLowerCase()}-${version.toLowerCase()}` : `-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

function generateSchemas(targetDir, quiet) {
  log(quiet, `generating strict JSON schemas for Kubernetes v${KUBERNETES_VERSION} (+ ServiceMonitor from prometheus-operator ${PROMETHEUS_OPERATOR_VERSION})`);
  const k8sDir = goModuleDir('k8s.io/kubernetes', `v${KUBERNETES_VERSION}`);
  const swagger = JSON.parse(readFileSync(join(k8sDir, 'api/openapi-spec/swagger.json'), 'utf8'));
  const definitions = swagger.definitions;
  const tmp = `${targetDir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let count = 0;
  for (const def of Object.values(definitions)) {
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!gvks || gvks.length !== 1) continue; // multi-GVK types (DeleteOptions, WatchEvent) are not objects one applies
    const { group, version, kind } = gvks[0];
    const refs = new Set();
    const root = convertNode(def, refs);
    writeFileSync(join(tmp, kindFileName(kind, group, version)), JSON.stringify(standalone(root, refs, definitions)));
    count++;
  }

  // ServiceMonitor (monitoring.coreos.com/v1) from the CRD the prometheus-operator project ships.
  const promDir = goModuleDir('github.com/prometheus-operator/prometheus-operator', PROMETHEUS_OPERATOR_VERSION);
  const crd = JSON.parse(readFileSync(join(promDir, 'jsonnet/prometheus-operator/servicemonitors-crd.json'), 'utf8'));
  for (const v of crd.spec.versions) {
    const refs = new Set();
    const schema = convertNode(v.schema.openAPIV3Schema, refs);
    schema.properties.metadata = { $ref: `#/definitions/${OBJECT_META}` };
    refs.add(OBJECT_META);
    writeFileSync(join(tmp, kindFileName(crd.spec.names.kind, crd.spec.group, v.name)), JSON.stringify(standalone(schema, refs, definitions)));
    count++;
  }
  writeFileSync(join(tmp, '.complete'), `${schemaStamp()}\n`);
  rmSync(targetDir, { recursive: true, force: true });
  renameSync(tmp, targetDir);
  log(quiet, `wrote ${count} schemas to ${targetDir}`);
}

function schemaStamp() {
  return JSON.stringify({ kubernetes: KUBERNETES_VERSION, prometheusOperator: PROMETHEUS_OPERATOR_VERSION, revision: SCHEMA_GENERATOR_REVISION });
}

// ---------------------------------------------------------------------------------------------

/**
 * Make sure helm, kubeconform and the Kubernetes schemas are present; install what is missing.
 * @returns {{ helm: string, kubeconform: string, schemaDir: string, schemaLocation: string,
 *   kubernetesVersion: string, helmVersion: string, kubeconformVersion: string, binDir: string }}
 */
export function ensureHelmTools({ quiet = false } = {}) {
  mkdirSync(binDir, { recursive: true });
  if (!stamped('helm', HELM_VERSION)) {
    const ldflags = [
      '-w -s',
      `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION}`,
      `-X helm.sh/helm/v3/internal/version.metadata=`,
      `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=${HELM_K8S_DEFAULT.major}`,
      `-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=${HELM_K8S_DEFAULT.minor}`,
      `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=${HELM_K8S_DEFAULT.major}`,
      `-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=${HELM_K8S_DEFAULT.minor}`,
    ].join(' ');
    goInstall('helm.sh/helm/v3/cmd/helm', HELM_VERSION, 'helm', ldflags, quiet);
  }
  if (!stamped('kubeconform', KUBECONFORM_VERSION)) {
    goInstall('github.com/yannh/kubeconform/cmd/kubeconform', KUBECONFORM_VERSION, 'kubeconform', '-w -s', quiet);
  }
  const schemaDir = join(schemaRoot, `v${KUBERNETES_VERSION}-standalone-strict`);
  const stampFile = join(schemaDir, '.complete');
  if (!existsSync(stampFile) || readFileSync(stampFile, 'utf8').trim() !== schemaStamp()) {
    mkdirSync(schemaRoot, { recursive: true });
    generateSchemas(schemaDir, quiet);
  }
  return {
    binDir,
    helm: join(binDir, 'helm'),
    kubeconform: join(binDir, 'kubeconform'),
    schemaDir,
    // kubeconform -schema-location template (used with -kubernetes-version and -strict)
    schemaLocation: join(schemaRoot, '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json'),
    kubernetesVersion: KUBERNETES_VERSION,
    helmVersion: HELM_VERSION,
    kubeconformVersion: KUBECONFORM_VERSION,
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const tools = ensureHelmTools();
  const helmVersion = run(tools.helm, ['version', '--short']).trim();
  const schemaCount = readdirSync(tools.schemaDir).filter((f) => f.endsWith('.json')).length;
  process.stdout.write(
    [
      `helm         ${helmVersion}  ${tools.helm}`,
      `kubeconform  ${KUBECONFORM_VERSION}  ${tools.kubeconform}`,
      `k8s schemas  v${KUBERNETES_VERSION} (${schemaCount} kinds, strict)  ${tools.schemaDir}`,
      `ready in ${Date.now() - started} ms`,
      '',
    ].join('\n'),
  );
}
