// The Millrace charts render, lint, validate against the Kubernetes API schemas and keep their
// promises: security context, probes, labels, config checksum, migration hooks, no secrets,
// Linkerd switch, strict values schemas.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_CHARTS,
  SERVICE_CHARTS,
  CHARTS_DIR,
  KUBERNETES_VERSION,
  OPENSEARCH_APPS,
  POSTGRES_APPS,
  REPO_ROOT,
  type AppChart,
  type K8sObject,
  type Rendered,
  chartYaml,
  ciValuesFiles,
  kubeconform,
  lint,
  ofKind,
  only,
  render,
  renderError,
  renderNotes,
} from './helm';

const ALL_CHARTS = ['millrace-common', ...APP_CHARTS, 'millrace'];
const STANDARD_LABELS = ['app.kubernetes.io/name', 'app.kubernetes.io/instance', 'app.kubernetes.io/version', 'app.kubernetes.io/component', 'app.kubernetes.io/part-of', 'app.kubernetes.io/managed-by', 'helm.sh/chart'];
const SELECTOR_LABELS = ['app.kubernetes.io/component', 'app.kubernetes.io/instance', 'app.kubernetes.io/name'];
const HOOK_ANNOTATIONS = {
  'helm.sh/hook': 'pre-install,pre-upgrade',
  'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded',
};

const cache = new Map<string, Rendered>();
function rendered(chart: string, scenario: 'defaults' | 'all-on' | string = 'defaults'): Rendered {
  const key = `${chart}:${scenario}`;
  if (!cache.has(key)) {
    const valuesFiles = scenario === 'defaults' ? [] : [join(CHARTS_DIR, chart, 'ci', `${scenario}-values.yaml`)];
    cache.set(key, render(chart, { valuesFiles }));
  }
  return cache.get(key)!;
}

/** Every env var of a container: from the ConfigMap it loads plus its own env entries. */
function containerEnv(objects: K8sObject[], deployment: K8sObject): Map<string, { value?: string; secret?: { name: string; key: string } }> {
  const env = new Map<string, { value?: string; secret?: { name: string; key: string } }>();
  const container = deployment.spec.template.spec.containers[0];
  for (const source of container.envFrom ?? []) {
    if (!source.configMapRef) continue;
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === source.configMapRef.name);
    for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(k, { value: v });
  }
  for (const e of container.env ?? []) env.set(e.name, e.valueFrom?.secretKeyRef ? { secret: e.valueFrom.secretKeyRef } : { value: e.value });
  return env;
}

describe('tooling', () => {
  it('generated chart files are up to date with tools/helm/chart-spec.mjs', () => {
    expect(() => execFileSync('node', [join(REPO_ROOT, 'tools/helm/generate-charts.mjs'), '--check'], { encoding: 'utf8', stdio: 'pipe' })).not.toThrow();
  });

  it('validates against the Kubernetes version ensure-tools generated schemas for', () => {
    const source = readFileSync(join(REPO_ROOT, 'tools/helm/ensure-tools.mjs'), 'utf8');
    expect(source).toContain(`KUBERNETES_VERSION = '${KUBERNETES_VERSION}'`);
  });

  it('kubeconform rejects a misspelt field (the schemas are strict)', () => {
    const bad = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots:\n    - port: 80\n';
    const result = kubeconform(bad);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/additional properties 'prots' not allowed/);
  });

  it('every service chart depends on the millrace-common library chart', () => {
    expect(chartYaml('millrace-common').type).toBe('library');
    for (const chart of APP_CHARTS) {
      expect(chartYaml(chart).dependencies).toEqual([{ name: 'millrace-common', version: '0.1.0', repository: 'file://../millrace-common' }]);
    }
  });

  it('the umbrella depends on all nine services, each behind <service>.enabled', () => {
    expect(chartYaml('millrace').dependencies).toEqual(
      APP_CHARTS.map((name) => ({ name, version: '0.1.0', repository: `file://../${name}`, condition: `${name}.enabled` })),
    );
  });
});

describe.each(ALL_CHARTS)('helm lint --strict %s', (chart) => {
  it('passes with the defaults', () => {
    expect(lint(chart)).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  const scenarios = ciValuesFiles(chart);
  if (scenarios.length) {
    it.each(scenarios.map((f) => [f.slice(f.lastIndexOf('/') + 1), f]))('passes with ci/%s', (_name, file) => {
      expect(lint(chart, file)).toMatch(/0 chart\(s\) failed/);
    });
  }
});

describe.each(APP_CHARTS)('chart %s', (chart: AppChart) => {
  const isPg = POSTGRES_APPS.includes(chart);
  const isOs = OPENSEARCH_APPS.includes(chart);

  it('renders its objects with the defaults, and the optional ones only when switched on', () => {
    const kinds = rendered(chart).objects.map((o) => o.kind).sort();
    expect(kinds).toEqual(['ConfigMap', 'Deployment', ...(isPg ? ['Job'] : []), 'Service', 'ServiceAccount'].sort());
    const allOn = rendered(chart, 'all-on').objects.map((o) => o.kind);
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy', 'ServiceMonitor']) expect(allOn).toContain(kind);
  });

  it.each(['defaults', 'all-on'])('every object (%s) validates against the Kubernetes API schemas', (scenario) => {
    const result = kubeconform(rendered(chart, scenario).text);
    if (!result.ok) throw new Error(result.output);
    expect(result.summary).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it('runs as non-root 10001 with a read-only root filesystem, no privileges and no token', () => {
    for (const scenario of ['defaults', 'all-on']) {
      const { objects } = rendered(chart, scenario);
      for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
        const pod = workload.spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
        expect(pod.automountServiceAccountToken).toBe(false);
        for (const container of pod.containers) {
          expect(container.securityContext).toMatchObject({
            runAsNonRoot: true,
            runAsUser: 10001,
            readOnlyRootFilesystem: true,
            allowPrivilegeEscalation: false,
            capabilities: { drop: ['ALL'] },
            seccompProfile: { type: 'RuntimeDefault' },
          });
          expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
        }
        expect(pod.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
      }
      expect(only(objects, 'ServiceAccount')).toMatchObject({ automountServiceAccountToken: false });
    }
  });

  it('probes /health/live and /health/ready on the http port, with a startup probe', () => {
    const container = only(rendered(chart).objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.ports[0]).toEqual({ name: 'http', containerPort: 8080, protocol: 'TCP' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/health/ready', port: 'http' });
    expect(container.startupProbe.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.startupProbe.failureThreshold * container.startupProbe.periodSeconds).toBeGreaterThanOrEqual(60);
    expect(container.resources.requests).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
  });

  it('rolls one new pod at a time, spread over nodes, with the image of the appVersion', () => {
    const deployment = only(rendered(chart).objects, 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    expect(deployment.spec.template.spec.topologySpreadConstraints[0]).toMatchObject({
      topologyKey: 'kubernetes.io/hostname',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: deployment.spec.selector.matchLabels },
    });
    expect(deployment.spec.template.spec.containers[0].image).toBe(`ghcr.io/millrace/${chart}:${chartYaml(chart).appVersion}`);
    expect(deployment.spec.template.spec.containers[0].name).toBe(chart);
  });

  it('labels every object with the standard labels and selects by their immutable subset', () => {
    for (const scenario of ['defaults', 'all-on']) {
      const { objects } = rendered(chart, scenario);
      for (const object of objects) {
        const labels = object.metadata.labels ?? {};
        for (const label of STANDARD_LABELS) expect(labels).toHaveProperty([label]);
        expect(labels['app.kubernetes.io/name']).toBe(chart);
        expect(labels['app.kubernetes.io/instance']).toBe('rel');
        expect(labels['app.kubernetes.io/part-of']).toBe('millrace');
        expect(labels['app.kubernetes.io/managed-by']).toBe('Helm');
        expect(labels['helm.sh/chart']).toBe(`${chart}-${chartYaml(chart).version}`);
      }
      const deployment = only(objects, 'Deployment');
      const selector = deployment.spec.selector.matchLabels;
      expect(Object.keys(selector).sort()).toEqual(SELECTOR_LABELS);
      expect(deployment.spec.template.metadata.labels).toMatchObject(selector);
      expect(only(objects, 'Service').spec.selector).toEqual(selector);
      for (const kind of ['PodDisruptionBudget', 'ServiceMonitor']) {
        for (const o of ofKind(objects, kind)) expect(o.spec.selector.matchLabels).toEqual(selector);
      }
      for (const np of ofKind(objects, 'NetworkPolicy')) expect(np.spec.podSelector.matchLabels).toEqual(selector);
      for (const job of ofKind(objects, 'Job')) {
        // the migration pods must never be selected by the Service or the PDB
        expect(job.spec.template.metadata.labels['app.kubernetes.io/component']).toBe('migration');
        expect(selector['app.kubernetes.io/component']).not.toBe('migration');
      }
    }
  });

  it('annotates the pods with the checksum of their ConfigMap, so a config change rolls them', () => {
    const { objects } = rendered(chart);
    const checksum = only(objects, 'Deployment').spec.template.metadata.annotations['checksum/config'];
    expect(checksum).toMatch(/^[a-f0-9]{64}$/);
    const changed = render(chart, { set: { 'config.SHUTDOWN_TIMEOUT_MS': '20000' } }).objects;
    expect(only(changed, 'ConfigMap').data).toHaveProperty('SHUTDOWN_TIMEOUT_MS', '20000');
    expect(only(changed, 'Deployment').spec.template.metadata.annotations['checksum/config']).not.toBe(checksum);
    const same = render(chart, { set: { replicaCount: 5 } }).objects;
    expect(only(same, 'Deployment').spec.template.metadata.annotations['checksum/config']).toBe(checksum);
    expect(createHash('sha256').update('').digest('hex')).not.toBe(checksum);
  });

  it('sets the NATS, PostgreSQL and OpenSearch environment of the contract', () => {
    const { objects } = rendered(chart);
    const env = containerEnv(objects, only(objects, 'Deployment'));
    expect(env.get('NATS_URL')).toEqual({ value: 'nats://nats:4222' });
    expect(env.get('JETSTREAM_REPLICAS')).toEqual({ value: '1' });
    expect(env.get('HTTP_HOST')).toEqual({ value: '0.0.0.0' });
    expect(env.get('HTTP_PORT')).toEqual({ value: '8080' });
    expect(env.get('LOG_LEVEL')).toEqual({ value: 'info' });
    // No proxy is trusted unless one is configured: forwarded headers are ignored.
    expect(env.has('TRUSTED_PROXIES')).toBe(false);
    if (isPg) {
      expect(env.get('DATABASE_URL')).toEqual({ secret: { name: 'millrace-postgresql', key: 'database-url' } });
      expect(env.get('DATABASE_SSL')).toEqual({ value: 'false' });
    } else {
      expect(env.has('DATABASE_URL')).toBe(false);
    }
    if (isOs) expect(env.get('OPENSEARCH_URL')).toEqual({ value: 'https://opensearch-cluster-master:9200' });
    else expect(env.has('OPENSEARCH_URL')).toBe(false);

    const allOn = rendered(chart, 'all-on').objects;
    const full = containerEnv(allOn, only(allOn, 'Deployment'));
    expect(full.get('NATS_USER')).toMatchObject({ secret: { name: 'millrace-nats-credentials', key: 'user', optional: true } });
    expect(full.get('NATS_TOKEN')).toMatchObject({ secret: { name: 'millrace-nats-credentials', key: 'token' } });
    expect(full.get('NATS_TLS_CA_FILE')).toEqual({ value: '/etc/millrace/tls/nats/ca.crt' });
    expect(full.get('NATS_TLS_CERT_FILE')).toEqual({ value: '/etc/millrace/tls/nats/tls.crt' });
    expect(full.get('NATS_TLS_KEY_FILE')).toEqual({ value: '/etc/millrace/tls/nats/tls.key' });
    expect(full.get('JETSTREAM_REPLICAS')).toEqual({ value: '3' });
    expect(full.get('TRUSTED_PROXIES')).toEqual({ value: '10.42.0.0/16,fd00:42::/48' });
    if (isPg) {
      expect(full.get('DATABASE_URL')).toEqual({ secret: { name: 'millrace-postgresql-url', key: 'url' } });
      expect(full.get('DATABASE_SSL')).toEqual({ value: 'true' });
      expect(full.get('DATABASE_SSL_CA_FILE')).toEqual({ value: '/etc/millrace/tls/postgresql/ca.crt' });
    }
    if (isOs) {
      expect(full.get('OPENSEARCH_PASSWORD')).toMatchObject({ secret: { name: 'millrace-opensearch-credentials', key: 'password' } });
      expect(full.get('OPENSEARCH_TLS_CA_FILE')).toEqual({ value: '/etc/millrace/tls/opensearch/ca.crt' });
    }
  });

  it('never renders a Secret, and reads every credential from an existing Secret', () => {
    for (const scenario of ['defaults', 'all-on']) {
      const { objects } = rendered(chart, scenario);
      expect(ofKind(objects, 'Secret')).toEqual([]);
      for (const workload of [...ofKind(objects, 'Deployment'), ...ofKind(objects, 'Job')]) {
        for (const e of workload.spec.template.spec.containers[0].env ?? []) {
          if (/PASSWORD|TOKEN|ENCRYPTION_KEY|DATABASE_URL|^NATS_USER$|^OPENSEARCH_USERNAME$/.test(e.name)) {
            expect(e.value).toBeUndefined();
            expect(e.valueFrom.secretKeyRef).toEqual(expect.objectContaining({ name: expect.any(String), key: expect.any(String) }));
          }
        }
      }
      for (const cm of ofKind(objects, 'ConfigMap')) {
        for (const key of Object.keys(cm.data ?? {})) expect(key).not.toMatch(/PASSWORD|TOKEN|ENCRYPTION_KEY|DATABASE_URL/);
      }
    }
  });

  it('leaves Linkerd off by default and switches it on with linkerd.inject, NATS port opaque', () => {
    const annotations = only(rendered(chart).objects, 'Deployment').spec.template.metadata.annotations;
    expect(annotations).not.toHaveProperty(['linkerd.io/inject']);
    const meshed = only(render(chart, { set: { 'linkerd.inject': true } }).objects, 'Deployment').spec.template.metadata.annotations;
    expect(meshed).toMatchObject({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/opaque-ports': '4222' });
    const viaGlobal = only(render(chart, { set: { 'global.linkerd.inject': true } }).objects, 'Deployment').spec.template.metadata.annotations;
    expect(viaGlobal['linkerd.io/inject']).toBe('enabled');
    const localWins = only(render(chart, { set: { 'global.linkerd.inject': true, 'linkerd.inject': false } }).objects, 'Deployment').spec.template.metadata.annotations;
    expect(localWins).not.toHaveProperty(['linkerd.io/inject']);
  });

  it('omits replicas when the HPA owns them, and wires HPA, PDB and ServiceMonitor to the workload', () => {
    const { objects } = rendered(chart, 'all-on');
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = only(objects, 'HorizontalPodAutoscaler');
    expect(hpa.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
    expect(only(objects, 'PodDisruptionBudget').apiVersion).toBe('policy/v1');
    const sm = only(objects, 'ServiceMonitor');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
    const np = only(objects, 'NetworkPolicy');
    expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(render(chart).objects.map((o) => o.kind)).not.toContain('HorizontalPodAutoscaler');
  });

  if (isPg) {
    it('runs its migrations in a pre-install/pre-upgrade hook Job with the same image and database settings', () => {
      for (const scenario of ['defaults', 'all-on']) {
        const { objects } = rendered(chart, scenario);
        const job = only(objects, 'Job');
        expect(job.metadata.name).toBe('rel-' + chart + '-migrate');
        expect(job.metadata.annotations).toMatchObject(HOOK_ANNOTATIONS);
        const container = job.spec.template.spec.containers[0];
        expect(container.command).toEqual(['node', `apps/${chart}/dist/migrate.js`]);
        const deployment = only(objects, 'Deployment');
        expect(container.image).toBe(deployment.spec.template.spec.containers[0].image);
        expect(job.spec.template.spec.restartPolicy).toBe('Never');
        // hooks run before the chart's ConfigMap and ServiceAccount exist: the Job must not need them
        expect(container.envFrom).toBeUndefined();
        expect(job.spec.template.spec.serviceAccountName).toBeUndefined();
        const jobEnv = new Map(container.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]));
        const appEnv = containerEnv(objects, deployment);
        expect(jobEnv.get('DATABASE_URL')).toEqual({ secretKeyRef: appEnv.get('DATABASE_URL')!.secret });
        for (const name of ['DATABASE_SSL', 'DATABASE_SSL_CA_FILE', 'NATS_URL']) expect(jobEnv.get(name)).toEqual(appEnv.get(name)?.value);
      }
    });

    it('can switch the migration Job off', () => {
      expect(render(chart, { set: { 'migration.enabled': false } }).objects.map((o) => o.kind)).not.toContain('Job');
    });
  } else {
    it('has no migration Job (no PostgreSQL)', () => {
      expect(ofKind(rendered(chart, 'all-on').objects, 'Job')).toEqual([]);
    });
  }

  it('rejects mistyped and unknown values (values.schema.json)', () => {
    expect(renderError(chart, { set: { replicaCount: 'two' } })).toMatch(/replicaCount.*want integer/s);
    expect(renderError(chart, { set: { replicaCont: 2 } })).toMatch(/additional properties 'replicaCont' not allowed/);
    expect(renderError(chart, { set: { 'service.type': 'Loadbalancer' } })).toMatch(/service\/type/);
    expect(renderError(chart, { set: { 'nats.url': 'http://nats:4222' } })).toMatch(/nats\/url/);
    expect(renderError(chart, { set: { 'image.pullpolicy': 'Always' } })).toMatch(/additional properties 'pullpolicy' not allowed/);
  });

  it('tells the user what to do next (NOTES.txt)', () => {
    const notes = renderNotes(chart);
    expect(notes).toContain(`rollout status deployment/rel-${chart}`);
    expect(notes).toContain('/health/ready');
    if (isPg) expect(notes).toContain('millrace-postgresql (key database-url)');
  });
});

describe('ingest-gateway specifics', () => {
  it('exposes HTTP and syslog over TCP by default', () => {
    const { objects } = rendered('ingest-gateway');
    const service = only(objects, 'Service');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.ports.map((p: { name: string; port: number; protocol: string }) => [p.name, p.port, p.protocol])).toEqual([
      ['http', 8080, 'TCP'],
      ['syslog-tcp', 6601, 'TCP'],
    ]);
    const container = only(objects, 'Deployment').spec.template.spec.containers[0];
    expect(container.ports).toContainEqual({ name: 'syslog-tcp', containerPort: 6601, protocol: 'TCP' });
    const env = containerEnv(objects, only(objects, 'Deployment'));
    expect(env.get('SYSLOG_TCP_PORT')).toEqual({ value: '6601' });
    expect(env.has('SYSLOG_TLS_PORT')).toBe(false);
    expect(env.has('GELF_UDP_PORT')).toBe(false);
  });

  it('adds syslog over TLS from a TLS Secret and GELF over UDP when asked, behind a LoadBalancer', () => {
    const { objects } = rendered('ingest-gateway', 'all-on');
    const service = only(objects, 'Service');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports.map((p: { name: string; port: number; protocol: string }) => [p.name, p.port, p.protocol])).toEqual([
      ['http', 8080, 'TCP'],
      ['syslog-tcp', 6601, 'TCP'],
      ['syslog-tls', 6514, 'TCP'],
      ['gelf-udp', 12201, 'UDP'],
    ]);
    const deployment = only(objects, 'Deployment');
    const env = containerEnv(objects, deployment);
    expect(env.get('SYSLOG_TLS_PORT')).toEqual({ value: '6514' });
    expect(env.get('SYSLOG_TLS_CERT_FILE')).toEqual({ value: '/etc/millrace/tls/syslog/tls.crt' });
    expect(env.get('SYSLOG_TLS_KEY_FILE')).toEqual({ value: '/etc/millrace/tls/syslog/tls.key' });
    expect(env.get('GELF_UDP_PORT')).toEqual({ value: '12201' });
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'syslog-tls', secret: { secretName: 'millrace-syslog-tls', defaultMode: 0o440 } });
    const ingressPorts = only(objects, 'NetworkPolicy').spec.ingress[0].ports;
    expect(ingressPorts).toContainEqual({ port: 12201, protocol: 'UDP' });
  });

  it('says where to send logs', () => {
    const notes = renderNotes('ingest-gateway');
    expect(notes).toContain('Where to send logs');
    expect(notes).toMatch(/syslog\/TCP\s+port 6601/);
    expect(notes).toContain('/logs/ingest');
    expect(renderNotes('ingest-gateway', { valuesFiles: [join(CHARTS_DIR, 'ingest-gateway/ci/all-on-values.yaml')] })).toMatch(/syslog\/TLS\s+port 6514/);
  });
});

describe('other service specifics', () => {
  it('query-api NOTES show how to search with curl', () => {
    const notes = renderNotes('query-api');
    expect(notes).toMatch(/curl .*\/v1\/search/);
    expect(notes).toContain('Authorization: Bearer');
  });

  it('auth reads its encryption key and the bootstrap password from existing Secrets, all bootstrap values or none', () => {
    const { objects } = rendered('auth', 'all-on');
    const env = containerEnv(objects, only(objects, 'Deployment'));
    expect(env.get('AUTH_ENCRYPTION_KEY')).toEqual({ secret: { name: 'millrace-auth', key: 'encryption-key' } });
    expect(env.get('AUTH_BOOTSTRAP_ORG')).toEqual({ value: 'acme' });
    expect(env.get('AUTH_BOOTSTRAP_OWNER_EMAIL')).toEqual({ value: 'owner@acme.example' });
    expect(env.get('AUTH_BOOTSTRAP_OWNER_PASSWORD')).toEqual({ secret: { name: 'millrace-bootstrap-owner', key: 'owner-password' } });
    expect(renderError('auth', { set: { 'bootstrap.organization': 'acme' } })).toMatch(/together, or none of them/);
    expect(renderError('auth', { set: { 'bootstrap.organization': 'Not A Tenant' } })).toMatch(/bootstrap\/organization/);
  });

  it('archiver mounts its filesystem archive from a PersistentVolumeClaim when asked', () => {
    const { objects } = rendered('archiver', 'all-on');
    const pvc = only(objects, 'PersistentVolumeClaim');
    expect(pvc.metadata.name).toBe('rel-archiver-archive');
    expect(pvc.spec).toMatchObject({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '200Gi' } }, storageClassName: 'standard-rwx' });
    const deployment = only(objects, 'Deployment');
    expect(deployment.spec.template.spec.volumes).toContainEqual({ name: 'archive', persistentVolumeClaim: { claimName: 'rel-archiver-archive' } });
    expect(deployment.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'archive', mountPath: '/var/lib/millrace/archive' });
    const env = containerEnv(objects, deployment);
    expect(env.get('ARCHIVE_FS_ROOT')).toEqual({ value: '/var/lib/millrace/archive' });
    expect(env.get('SEALING_KEY')).toMatchObject({ secret: { name: 'millrace-sealing', key: 'sealing-key', optional: true } });
    expect(env.get('SEALING_OLD_KEYS')).toMatchObject({ secret: { name: 'millrace-sealing', key: 'old-keys', optional: true } });
    // the Job runs before the claim exists: it must not mount it
    expect(only(objects, 'Job').spec.template.spec.volumes.map((v: { name: string }) => v.name)).not.toContain('archive');
    expect(ofKind(rendered('archiver').objects, 'PersistentVolumeClaim')).toEqual([]);
  });

  it('query-api reads the sealing key (required) and the old keys (optional) from one Secret, also in its migration Job, and refuses private drain targets by default', () => {
    const { objects } = rendered('query-api');
    const deployment = only(objects, 'Deployment');
    const env = containerEnv(objects, deployment);
    expect(env.get('DRAINS_ALLOW_PRIVATE_TARGETS')).toEqual({ value: 'false' });
    expect(env.get('ARCHIVE_FS_ROOT')).toBeUndefined();
    const entry = (env: Array<{ name: string; valueFrom?: { secretKeyRef: object } }>, name: string) => env.find((e) => e.name === name)?.valueFrom?.secretKeyRef;
    for (const container of [deployment.spec.template.spec.containers[0], only(objects, 'Job').spec.template.spec.containers[0]]) {
      expect(entry(container.env, 'SEALING_KEY')).toEqual({ name: 'millrace-sealing', key: 'sealing-key' });
      expect(entry(container.env, 'SEALING_OLD_KEYS')).toEqual({ name: 'millrace-sealing', key: 'old-keys', optional: true });
    }
    expect(containerEnv(rendered('query-api', 'all-on').objects, only(rendered('query-api', 'all-on').objects, 'Deployment')).get('ARCHIVE_FS_ROOT')).toEqual({ value: '/var/lib/millrace/archive' });
  });
});

describe('chart console', () => {
  it('fronts the query API and auth of its release and reads the cookie secret from an existing Secret', () => {
    const { objects } = rendered('console');
    const env = containerEnv(objects, only(objects, 'Deployment'));
    expect(env.get('QUERY_API_URL')).toEqual({ value: 'http://rel-query-api:8080' });
    expect(env.get('AUTH_URL')).toEqual({ value: 'http://rel-auth:8080' });
    expect(env.get('CONSOLE_SECURE_COOKIES')).toEqual({ value: 'auto' });
    expect(env.get('CONSOLE_SESSION_SECRET')).toEqual({ secret: { name: 'millrace-console', key: 'session-secret' } });
    expect(env.get('CONSOLE_PUBLIC_INGEST_URL')).toBeUndefined();
    const allOn = rendered('console', 'all-on').objects;
    const allOnEnv = containerEnv(allOn, only(allOn, 'Deployment'));
    expect(allOnEnv.get('QUERY_API_URL')).toEqual({ value: 'http://millrace-query-api.logs.svc:8080' });
    expect(allOnEnv.get('CONSOLE_PUBLIC_SYSLOG_TLS_PORT')).toEqual({ value: '6514' });
    expect(allOnEnv.get('CONSOLE_SECURE_COOKIES')).toEqual({ value: 'always' });
  });
});

describe('millrace umbrella chart', () => {
  it('renders all nine services with the defaults, meshed by Linkerd, streams with 3 replicas', () => {
    const { objects } = rendered('millrace');
    const deployments = ofKind(objects, 'Deployment');
    expect(deployments.map((d) => d.metadata.labels!['app.kubernetes.io/name']).sort()).toEqual([...SERVICE_CHARTS].sort());
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(SERVICE_CHARTS.map((a) => `rel-${a}`).sort());
    for (const d of deployments) {
      expect(d.spec.template.metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled', 'config.linkerd.io/opaque-ports': '4222' });
      expect(containerEnv(objects, d).get('JETSTREAM_REPLICAS')).toEqual({ value: '3' });
    }
    const jobs = ofKind(objects, 'Job');
    expect(jobs.map((j) => j.metadata.labels!['app.kubernetes.io/name']).sort()).toEqual([...POSTGRES_APPS].sort());
    for (const job of jobs) {
      expect(job.metadata.annotations).toMatchObject(HOOK_ANNOTATIONS);
      expect(job.spec.template.metadata.annotations).toMatchObject({ 'linkerd.io/inject': 'enabled', 'config.alpha.linkerd.io/proxy-enable-native-sidecar': 'true' });
    }
    expect(ofKind(objects, 'Secret')).toEqual([]);
  });

  it.each(['defaults', 'all-on', 'some-services'])('every object (%s) validates against the Kubernetes API schemas', (scenario) => {
    const result = kubeconform(rendered('millrace', scenario).text);
    if (!result.ok) throw new Error(result.output);
    expect(result.summary).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
  });

  it('sets shared settings once under global, and a service value wins over its global', () => {
    const { objects } = rendered('millrace', 'all-on');
    for (const d of ofKind(objects, 'Deployment')) {
      const env = containerEnv(objects, d);
      expect(env.get('NATS_URL')).toEqual({ value: 'tls://nats.nats.svc:4222' });
      expect(env.get('LOG_LEVEL')).toEqual({ value: 'warn' });
      expect(env.get('TRUSTED_PROXIES')).toEqual({ value: '10.42.0.0/16' });
      expect(d.spec.template.spec.imagePullSecrets).toEqual([{ name: 'registry-credentials' }]);
      expect(d.spec.template.spec.containers[0].image).toMatch(/^registry\.example\.com\/millrace\//);
      const name = d.metadata.labels!['app.kubernetes.io/name'] as AppChart;
      if (name === 'indexer') expect(env.get('OPENSEARCH_URL')).toEqual({ value: 'https://opensearch-hot.search.svc:9200' });
      else if (OPENSEARCH_APPS.includes(name)) expect(env.get('OPENSEARCH_URL')).toEqual({ value: 'https://opensearch.search.svc:9200' });
    }
  });

  it('installs the canary only when enabled, reading its keys from an existing Secret', () => {
    const { objects } = render('millrace', { set: { 'canary.enabled': true, 'canary.canary.rate': 25 } });
    const canary = ofKind(objects, 'Deployment').find((d) => d.metadata.labels!['app.kubernetes.io/name'] === 'canary');
    expect(canary).toBeDefined();
    const env = containerEnv(objects, canary!);
    expect(env.get('CANARY_RATE')).toEqual({ value: '25' });
    expect(env.get('CANARY_METRICS_PORT')).toEqual({ value: '8080' });
    expect(env.get('CANARY_INGEST_URLS')).toEqual({ value: 'http://millrace-ingest-gateway:8080' });
    const keys = canary!.spec.template.spec.containers[0].env.filter((e: { name: string }) => e.name.startsWith('CANARY_'));
    expect(keys.map((e: { name: string; valueFrom: unknown }) => [e.name, e.valueFrom])).toEqual([
      ['CANARY_INGEST_KEY', { secretKeyRef: { name: 'millrace-canary', key: 'ingest-key' } }],
      ['CANARY_READ_KEY', { secretKeyRef: { name: 'millrace-canary', key: 'read-key' } }],
    ]);
  });

  it('installs only the enabled services', () => {
    const { objects } = rendered('millrace', 'some-services');
    expect(ofKind(objects, 'Deployment').map((d) => d.metadata.labels!['app.kubernetes.io/name']).sort()).toEqual(['auth', 'indexer', 'ingest-gateway', 'query-api']);
    for (const d of ofKind(objects, 'Deployment')) expect(d.spec.template.metadata.annotations).not.toHaveProperty(['linkerd.io/inject']);
  });

  it('validates every service with its own strict schema', () => {
    expect(renderError('millrace', { set: { 'ingest-gateway.replicaCount': 'two' } })).toMatch(/ingest-gateway:.*replicaCount.*want integer/s);
    expect(renderError('millrace', { set: { 'query-api.servce.type': 'LoadBalancer' } })).toMatch(/additional properties 'servce' not allowed/);
    expect(renderError('millrace', { set: { 'global.linkerd.injekt': true } })).toMatch(/additional properties 'injekt' not allowed/);
    expect(renderError('millrace', { set: { 'auth.enabled': 'yes' } })).toMatch(/enabled/);
  });

  it('tells the user what to do next (NOTES.txt)', () => {
    const notes = renderNotes('millrace', { release: 'millrace' });
    for (const app of SERVICE_CHARTS) expect(notes).toContain(`deployment/millrace-${app}`);
    expect(notes).toContain('/logs/ingest');
    expect(notes).toContain('/v1/search');
  });
});
