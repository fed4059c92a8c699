// Helpers of the chart tests: render charts with the helm binary that ensure-tools installed,
// validate rendered objects with kubeconform against the generated Kubernetes schemas.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';

export const REPO_ROOT = resolve(__dirname, '../..');
export const CHARTS_DIR = join(REPO_ROOT, 'charts');
const TOOLS = join(REPO_ROOT, '.millrace', 'tools');
export const HELM = join(TOOLS, 'bin', 'helm');
export const KUBECONFORM = join(TOOLS, 'bin', 'kubeconform');
/** Must match KUBERNETES_VERSION of tools/helm/ensure-tools.mjs (checked in the spec). */
export const KUBERNETES_VERSION = '1.36.3';
const SCHEMA_LOCATION = join(TOOLS, 'k8s-schemas', '{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json');

export const APP_CHARTS = ['ingest-gateway', 'broker-router', 'parser-worker', 'indexer', 'alerter', 'archiver', 'query-api', 'auth', 'canary', 'console'] as const;
export type AppChart = (typeof APP_CHARTS)[number];
/** The services the umbrella chart installs by default (the canary only when enabled). */
export const SERVICE_CHARTS: readonly AppChart[] = APP_CHARTS.filter((c) => c !== 'canary');
export const POSTGRES_APPS: readonly AppChart[] = ['auth', 'query-api', 'alerter', 'archiver', 'broker-router'];
export const OPENSEARCH_APPS: readonly AppChart[] = ['indexer', 'query-api', 'alerter', 'archiver'];

// Loose shapes of the rendered objects: the schemas are checked by kubeconform, the tests read fields.
/* eslint-disable @typescript-eslint/no-explicit-any */
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string> };
/* eslint-enable @typescript-eslint/no-explicit-any */

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: string[];
  set?: Record<string, string | number | boolean>;
}

function templateArgs(chart: string, opts: RenderOptions): string[] {
  const args = ['template', opts.release ?? 'rel', join(CHARTS_DIR, chart), '--namespace', opts.namespace ?? 'logs', '--kube-version', KUBERNETES_VERSION];
  for (const file of opts.valuesFiles ?? []) args.push('-f', file);
  for (const [key, value] of Object.entries(opts.set ?? {})) args.push(typeof value === 'string' ? '--set-string' : '--set', `${key}=${value}`);
  return args;
}

export interface Rendered {
  text: string;
  objects: K8sObject[];
}

/** `helm template`; throws with helm's stderr when rendering fails. */
export function render(chart: string, opts: RenderOptions = {}): Rendered {
  const result = spawnSync(HELM, templateArgs(chart, opts), { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`helm template ${chart} failed:\n${result.stderr}`);
  const objects = yaml.loadAll(result.stdout).filter((doc): doc is K8sObject => !!doc && typeof doc === 'object');
  return { text: result.stdout, objects };
}

/** stderr of a `helm template` that must fail. */
export function renderError(chart: string, opts: RenderOptions = {}): string {
  const result = spawnSync(HELM, templateArgs(chart, opts), { encoding: 'utf8' });
  if (result.status === 0) throw new Error(`helm template ${chart} succeeded but was expected to fail`);
  return result.stderr;
}

/** `helm lint --strict`; returns its output, throws when it fails. */
export function lint(chart: string, valuesFile?: string): string {
  const args = ['lint', '--strict', join(CHARTS_DIR, chart), '--kube-version', KUBERNETES_VERSION, ...(valuesFile ? ['-f', valuesFile] : [])];
  const result = spawnSync(HELM, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`helm lint ${chart}${valuesFile ? ` -f ${valuesFile}` : ''} failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}

export interface Validation {
  ok: boolean;
  summary: string;
  output: string;
}

/** Validates every object of a manifest stream against the Kubernetes schemas (strict: no unknown fields, no missing schema). */
export function kubeconform(manifests: string): Validation {
  const result = spawnSync(
    KUBECONFORM,
    ['-strict', '-summary', '-output', 'text', '-kubernetes-version', KUBERNETES_VERSION, '-schema-location', SCHEMA_LOCATION, '-'],
    { input: manifests, encoding: 'utf8' },
  );
  const output = `${result.stdout}${result.stderr}`;
  return { ok: result.status === 0, summary: output.trim().split('\n').pop() ?? '', output };
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` never renders NOTES.txt, so a copy
 * of the chart gets a ConfigMap template that runs the notes through `tpl`.
 */
export function renderNotes(chart: string, opts: RenderOptions = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'millrace-notes-'));
  try {
    const copy = join(dir, chart);
    cpSync(join(CHARTS_DIR, chart), copy, { recursive: true });
    writeFileSync(join(copy, 'render-notes.txt'), readFileSync(join(copy, 'templates', 'NOTES.txt')));
    writeFileSync(
      join(copy, 'templates', 'zz-render-notes.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes\ndata:\n  notes: |\n    {{- tpl (.Files.Get "render-notes.txt") . | nindent 4 }}\n',
    );
    const args = templateArgs(chart, opts);
    args[2] = copy;
    const out = execFileSync(HELM, [...args, '--show-only', 'templates/zz-render-notes.yaml'], { encoding: 'utf8' });
    return (yaml.load(out) as K8sObject).data?.notes ?? '';
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function ciValuesFiles(chart: string): string[] {
  const dir = join(CHARTS_DIR, chart, 'ci');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('-values.yaml')).sort().map((f) => join(dir, f));
}

export function ofKind(objects: K8sObject[], kind: string): K8sObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function only(objects: K8sObject[], kind: string): K8sObject {
  const found = ofKind(objects, kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
}

export function chartYaml(chart: string): { version: string; appVersion: string; dependencies?: { name: string; repository: string; condition?: string }[]; type?: string } {
  return yaml.load(readFileSync(join(CHARTS_DIR, chart, 'Chart.yaml'), 'utf8')) as ReturnType<typeof chartYaml>;
}
