// The archiver in-process against the real test servers: NATS (EVENTS), PostgreSQL, OpenSearch,
// and a real S3-compatible server (versitygw, started by tools/stack/s3.mjs).
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { Client } from '@opensearch-project/opensearch';
import { Client as PgClient } from 'pg';
import { configGetSubject, encodeMessage, eventId, newBatchId, type EventBatch, type LogEvent } from '@millrace/log-schema';
import { createTestApp, loadConfig, testServiceEnv } from '@millrace/service-kit';
import { ArchiverModule } from '../src/app.module';
import { archiverConfigSchema } from '../src/config';
import { ARCHIVE_SUBJECTS, type ArchiveConfigItem, type ArchiveReply, type CreateRehydrationRequest, type RehydrationJobView } from '@millrace/archive-contract';
import { JobError, JobsService, toView } from '../src/rehydration/jobs.service';
import { RehydrationWorker } from '../src/rehydration/rehydration.worker';
import { HOUR_MS, hourStart, partKeys } from '../src/archive/layout';
import { parseManifest, sha256Hex } from '../src/archive/manifest';
import { Sealer } from '@millrace/sealing';
import { LOOPBACK_HOST_FORMS, outboundPolicy } from '@millrace/outbound-policy';
import { S3Store } from '../src/stores/s3-store';
import { StoreError } from '../src/stores/store';
import { createBucket, startS3, stopS3, type TestS3 } from './support/s3';

jest.setTimeout(120_000);

const run = Date.now().toString(36);
const KEY = `archive-test-key-${'x'.repeat(32)}`;
const sealer = new Sealer(KEY);
const bucket = `arch-${run}`;
/** Its own durable consumer on EVENTS: an archiver of a platform running on the same servers does not take our messages. */
const DURABLE = `archiver-test-${run}`;
const tenants = { s3: `ars3${run}`, fs: `arfs${run}`, none: `arno${run}` };
const HOUR_A = hourStart(Date.now()) - 3 * HOUR_MS;
const HOUR_B = HOUR_A + HOUR_MS;

let s3: TestS3;
let app: NestFastifyApplication;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
let configSub: Subscription;
let pg: PgClient;
let fsRoot: string;
let items: ArchiveConfigItem[] = [];
const os = new Client({ node: testServiceEnv().OPENSEARCH_URL as string });

function event(tenant: string, batchId: string, i: number, ts: number): LogEvent {
  return {
    id: eventId(batchId, i), tenant, ts, receivedAt: Date.now(), app: i % 2 ? 'web' : 'worker', host: 'h1', level: 'info',
    message: `archived line ${i} of ${batchId}`, tags: [], fields: { n: i }, source: 'http-json',
  };
}

/** Publish `count` events to EVENTS for a tenant, spread over the two test hours; returns them. */
async function publish(tenant: string, count: number, perBatch = 40): Promise<LogEvent[]> {
  const all: LogEvent[] = [];
  for (let start = 0; start < count; start += perBatch) {
    const batchId = newBatchId();
    const events = Array.from({ length: Math.min(perBatch, count - start) }, (_, j) => {
      const i = start + j;
      return event(tenant, batchId, i, (i % 2 ? HOUR_B : HOUR_A) + 1000 + i);
    });
    const batch: EventBatch = { v: 1, tenant, batchId, events };
    await js.publish(`events.${tenant}`, encodeMessage(batch), { msgID: `archive-test-${batchId}` });
    all.push(...events);
  }
  return all;
}

async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 30_000, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function s3Keys(prefix: string): Promise<string[]> {
  const res = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (res.Contents ?? []).map((o) => o.Key!).sort();
}

async function s3Get(key: string): Promise<Buffer> {
  const res = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await res.Body!.transformToByteArray());
}

/** Every archived line of a tenant (from verified parts: those with a manifest), checking each part against its manifest. */
async function archivedIds(read: (key: string) => Promise<Buffer>, keys: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const manifestKey of keys.filter((k) => k.endsWith('.manifest.json'))) {
    const manifest = parseManifest(await read(manifestKey));
    const body = await read(manifestKey.replace('.manifest.json', '.ndjson.gz'));
    expect(sha256Hex(body)).toBe(manifest.sha256);
    const lines = gunzipSync(body).toString().trim().split('\n').map((l) => JSON.parse(l) as LogEvent);
    expect(lines).toHaveLength(manifest.lines);
    expect(Math.min(...lines.map((l) => l.ts))).toBe(manifest.firstTs);
    expect(Math.max(...lines.map((l) => l.ts))).toBe(manifest.lastTs);
    expect(lines.map((l) => l.id).sort()[0]).toBe(manifest.firstEventId);
    for (const line of lines) expect(hourStart(line.ts)).toBe(Date.parse(manifest.hour));
    ids.push(...lines.map((l) => l.id));
  }
  return ids;
}

async function ask<T>(subject: string, request: object): Promise<ArchiveReply<T>> {
  const reply = await nc.request(subject, new TextEncoder().encode(JSON.stringify(request)), { timeout: 10_000 });
  return JSON.parse(new TextDecoder().decode(reply.data)) as ArchiveReply<T>;
}

/**
 * Create a job in this process (as the archiver's create subject does): an archiver of a
 * platform on the same servers shares the jobs table, but not our test configuration.
 */
async function create(request: CreateRehydrationRequest): Promise<ArchiveReply<RehydrationJobView>> {
  try {
    const job = await app.get(JobsService).create(request);
    app.get(RehydrationWorker).poke();
    return { ok: true, value: toView(job) };
  } catch (error) {
    if (error instanceof JobError) return { ok: false, status: error.status, message: error.message };
    throw error;
  }
}

async function jobDone(tenant: string, id: string): Promise<RehydrationJobView> {
  return eventually(async () => {
    const reply = await ask<RehydrationJobView>(ARCHIVE_SUBJECTS.getRehydration, { tenant, id });
    if (!reply.ok) throw new Error(reply.message);
    return ['succeeded', 'failed'].includes(reply.value.state) ? reply.value : undefined;
  }, 60_000);
}

beforeAll(async () => {
  s3 = startS3();
  await createBucket(s3, bucket);
  fsRoot = mkdtempSync(path.join(tmpdir(), 'millrace-archive-'));
  items = [
    {
      tenant: tenants.s3, version: 1, enabled: true, updatedAt: new Date().toISOString(),
      destination: { type: 's3', endpoint: s3.endpoint, region: s3.region, bucket, prefix: 'logs/prod', forcePathStyle: true, accessKeyId: s3.accessKeyId },
      sealedSecret: sealer.sealJson(`archive:${tenants.s3}`, { secretAccessKey: s3.secretAccessKey }),
    },
    { tenant: tenants.fs, version: 1, enabled: true, updatedAt: new Date().toISOString(), destination: { type: 'filesystem', path: 'single-box', prefix: '' } },
  ];
  // The same configuration in the query-api's table: should a query-api run on the same test
  // servers and answer `config.archives.get` before us, it answers the same.
  pg = new PgClient({ connectionString: testServiceEnv().DATABASE_URL as string });
  await pg.connect();
  for (const item of items) {
    await pg.query(
      `INSERT INTO query.archive_configs (tenant, version, enabled, destination, sealed_secret, created_by, updated_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'test', 'test', $6, $6)`,
      [item.tenant, item.version, item.enabled, JSON.stringify(item.destination), item.sealedSecret ?? null, item.updatedAt],
    ).catch(() => undefined);
  }
  nc = await connect({ servers: testServiceEnv().NATS_URL as string, name: 'archiver-archive-test' });
  js = jetstream(nc);
  jsm = await jetstreamManager(nc);
  // Plays the query-api's part of config kind `archives`. Not in the query-api's queue group, so a
  // query-api running on the same test servers cannot answer in its place.
  configSub = nc.subscribe(configGetSubject('archives'), {
    callback: (error, msg) => {
      if (error) return;
      const { tenant } = JSON.parse(new TextDecoder().decode(msg.data)) as { tenant?: string };
      msg.respond(new TextEncoder().encode(JSON.stringify({ items: items.filter((i) => !tenant || i.tenant === tenant) })));
    },
  });
  app = await createTestApp(ArchiverModule.forRoot(loadConfig(archiverConfigSchema, testServiceEnv({
    SEALING_KEY: KEY,
    ARCHIVE_FS_ROOT: fsRoot,
    // The test's S3 server listens on loopback.
    ARCHIVE_ALLOW_PRIVATE_ENDPOINTS: 'true',
    ARCHIVE_CONSUMER_NAME: DURABLE,
    ARCHIVE_PART_MAX_AGE_MS: '700',
    ARCHIVE_REHYDRATION_POLL_MS: '200',
    ARCHIVE_CLEANUP_INTERVAL_MS: '300',
    ARCHIVE_REHYDRATION_TTL_SECONDS: '6',
    ARCHIVE_RETRY_BACKOFF_MS: '200,500',
    ARCHIVE_PROBE_INTERVAL_MS: '300',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  }))));
  await eventually(async () => ((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode === 200 ? true : undefined));
});

afterAll(async () => {
  await app?.close();
  configSub?.unsubscribe();
  await pg?.query('DELETE FROM query.archive_configs WHERE tenant = ANY($1)', [Object.values(tenants)]).catch(() => undefined);
  await pg?.end();
  await jsm?.consumers.delete('EVENTS', DURABLE).catch(() => undefined);
  await nc?.drain().catch(() => undefined);
  await os.close();
  if (fsRoot) rmSync(fsRoot, { recursive: true, force: true });
  if (s3?.started) stopS3();
});

describe('archiving to an S3-compatible store', () => {
  let published: LogEvent[];

  it('writes exactly the lines of a tenant, per hour, each part with a manifest that matches it', async () => {
    published = await publish(tenants.s3, 300);
    const prefix = `logs/prod/tenant=${tenants.s3}/`;
    const ids = await eventually(async () => {
      if (process.env.DEBUG_ARCHIVE) console.log(JSON.stringify((await app.inject({ method: 'GET', url: '/health/archive' })).json()), (await app.inject({ method: 'GET', url: '/metrics' })).body.split('\n').filter((l) => l.startsWith('millrace_archive')).join('\n'));
      const found = await archivedIds(s3Get, await s3Keys(prefix));
      return found.length >= published.length ? found : undefined;
    });
    expect(ids.sort()).toEqual(published.map((e) => e.id).sort());
    const keys = await s3Keys(prefix);
    const hours = new Set(keys.map((k) => k.split('/').slice(3, 7).join('/')));
    expect(hours).toEqual(new Set([partKeys('', tenants.s3, HOUR_A, 'x').data, partKeys('', tenants.s3, HOUR_B, 'x').data].map((k) => k.split('/').slice(1, 5).join('/'))));
    expect(keys.every((k) => /\/hour=\d{2}\/[0-9A-Z]{26}\.(ndjson\.gz|manifest\.json)$/.test(k))).toBe(true);
  });

  it('acks the events of a tenant without an archive without writing anything', async () => {
    await publish(tenants.none, 50);
    await eventually(async () => {
      const info = await jsm.consumers.info('EVENTS', DURABLE);
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    expect(await s3Keys(`logs/prod/tenant=${tenants.none}/`)).toEqual([]);
    expect((await app.inject({ method: 'GET', url: '/metrics' })).body).toMatch(/millrace_archive_no_archive_messages_total [1-9]/);
  });

  it('connects to an endpoint only through the outbound policy: no form of a loopback address reaches the store when private endpoints are not allowed', async () => {
    const strict = outboundPolicy('archives', {}, { allowPrivate: false });
    const port = new URL(s3.endpoint).port;
    for (const { host } of LOOPBACK_HOST_FORMS) {
      const store = new S3Store({ type: 's3', endpoint: `http://${host}:${port}`, region: s3.region, bucket, prefix: '', forcePathStyle: true, accessKeyId: s3.accessKeyId }, s3.secretAccessKey, { timeoutMs: 3000, policy: strict });
      const error = await store.putVerified(`refused/${encodeURIComponent(host)}`, Buffer.from('x'), 'text/plain', sha256Hex(Buffer.from('x'))).then(() => undefined, (e: unknown) => e);
      store.close();
      expect([host, (error as Error | undefined)?.message]).toEqual([host, expect.stringMatching(/may only reach public|only exists inside a network/)]);
    }
    expect(await s3Keys('refused/')).toEqual([]);
  });

  it('verifies uploads with the store’s own SHA-256, and tells a refusal from an outage', async () => {
    const local = outboundPolicy('archives', {}, { allowPrivate: true });
    const store = new S3Store({ type: 's3', endpoint: s3.endpoint, region: s3.region, bucket, prefix: '', forcePathStyle: true, accessKeyId: s3.accessKeyId }, s3.secretAccessKey, { timeoutMs: 5000, policy: local });
    const body = Buffer.from('verified');
    expect(await store.putVerified('probe/object', body, 'text/plain', sha256Hex(body))).toBe('checksum');
    await expect(store.putVerified('probe/bad', body, 'text/plain', sha256Hex(Buffer.from('other')))).rejects.toMatchObject({ permanent: false });
    const wrongSecret = new S3Store({ type: 's3', endpoint: s3.endpoint, region: s3.region, bucket, prefix: '', forcePathStyle: true, accessKeyId: s3.accessKeyId }, 'wrong', { timeoutMs: 5000, policy: local });
    await expect(wrongSecret.check()).rejects.toMatchObject({ permanent: true });
    const nowhere = new S3Store({ type: 's3', endpoint: 'http://127.0.0.1:9', region: s3.region, bucket, prefix: '', forcePathStyle: true, accessKeyId: 'a' }, 'b', { timeoutMs: 2000, policy: local });
    const outage = await nowhere.check().catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(StoreError);
    expect((outage as StoreError).permanent).toBe(false);
    for (const s of [store, wrongSecret, nowhere]) s.close();
  });

  it('rehydrates a range and query into the job’s own index, reports what it read, and skips corrupt parts', async () => {
    // Two bad objects in hour A: one is not gzip, one does not match its manifest.
    const folder = `logs/prod/tenant=${tenants.s3}/${partKeys('', tenants.s3, HOUR_A, 'x').data.split('/').slice(1, 5).join('/')}`;
    const bad = gzipSync(`${JSON.stringify(event(tenants.s3, 'ZZBAD', 1, HOUR_A + 5))}\n`);
    const manifestOf = (object: string, sha: string, bytes: number) => JSON.stringify({
      format: 'millrace-archive-part/1', tenant: tenants.s3, hour: new Date(HOUR_A).toISOString(), object, compression: 'gzip', contentType: 'application/x-ndjson',
      lines: 1, firstTs: HOUR_A, lastTs: HOUR_A, firstEventId: 'a', lastEventId: 'a', sha256: sha, bytes, uncompressedBytes: 10, createdAt: new Date().toISOString(),
    });
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}/ZZZZZZZZZZZZZZZZZZZZZZZZZ1.ndjson.gz`, Body: Buffer.from('definitely not gzip') }));
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}/ZZZZZZZZZZZZZZZZZZZZZZZZZ2.ndjson.gz`, Body: bad }));
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: `${folder}/ZZZZZZZZZZZZZZZZZZZZZZZZZ2.manifest.json`, Body: manifestOf('ZZZZZZZZZZZZZZZZZZZZZZZZZ2.ndjson.gz', sha256Hex(Buffer.from('x')), bad.length) }));

    // Hour A holds the even lines (app worker); the query keeps those under 100.
    const expectedWorkers = published.filter((e) => e.ts < HOUR_B && (e.fields.n as number) < 100).map((e) => e.id).sort();
    expect(expectedWorkers.length).toBe(50);
    const created = await create({ tenant: tenants.s3, from: HOUR_A, to: HOUR_B - 1, query: 'app:worker AND n:<100', requestedBy: 'test' });
    if (!created.ok) throw new Error(created.message);
    expect(created.value).toMatchObject({ state: 'queued', index: `millrace-rehydrated-${tenants.s3}-${created.value.id}` });
    const job = await jobDone(tenants.s3, created.value.id);
    expect(job.state).toBe('succeeded');
    expect(job.progress).toMatchObject({ hoursTotal: 1, hoursDone: 1, objectsSkipped: 2, linesIndexed: expectedWorkers.length, linesMatched: expectedWorkers.length });
    expect(job.progress.objectsRead).toBeGreaterThanOrEqual(3);
    expect(job.progress.bytesRead).toBeGreaterThan(0);
    expect(job.progress.listRequests).toBeGreaterThanOrEqual(1);
    expect(job.problems.map((p) => p.object.split('/').pop()).sort()).toEqual(['ZZZZZZZZZZZZZZZZZZZZZZZZZ1.ndjson.gz', 'ZZZZZZZZZZZZZZZZZZZZZZZZZ2.ndjson.gz']);
    expect(job.problems.map((p) => p.reason).join(' ')).toMatch(/gzip.*SHA-256|SHA-256.*gzip/s);
    const { body } = await os.search({ index: job.index, body: { size: 1000, query: { match_all: {} } } as never });
    const hits = (body as { hits: { hits: Array<{ _id: string; _routing: string; _source: { tenant: string } }> } }).hits.hits;
    expect(hits.map((h) => h._id).sort()).toEqual(expectedWorkers);
    expect(hits.every((h) => h._source.tenant === tenants.s3 && h._routing === tenants.s3)).toBe(true);

    // Another tenant cannot see the job.
    const foreign = await ask<RehydrationJobView>(ARCHIVE_SUBJECTS.getRehydration, { tenant: tenants.fs, id: job.id });
    expect(foreign).toMatchObject({ ok: false, status: 404 });

    // The index expires on schedule (6 s here) and the job says so.
    const expired = await eventually(async () => {
      const reply = await ask<RehydrationJobView>(ARCHIVE_SUBJECTS.getRehydration, { tenant: tenants.s3, id: job.id });
      return reply.ok && reply.value.state === 'expired' ? reply.value : undefined;
    }, 30_000);
    expect(expired.state).toBe('expired');
    expect((await os.indices.exists({ index: job.index })).body).toBe(false);
  });

  it('refuses rehydration without an archive, over too long a range, or with a bad query', async () => {
    expect(await create({ tenant: tenants.none, from: HOUR_A, to: HOUR_B, query: '', requestedBy: 't' })).toMatchObject({ ok: false, status: 409 });
    expect(await create({ tenant: tenants.s3, from: 0, to: Date.now(), query: '', requestedBy: 't' })).toMatchObject({ ok: false, status: 400 });
    expect(await create({ tenant: tenants.s3, from: HOUR_A, to: HOUR_B, query: 'app:(', requestedBy: 't' })).toMatchObject({ ok: false, status: 400 });
  });

  it('cancels a job: the index goes, the job says cancelled', async () => {
    const created = await create({ tenant: tenants.s3, from: HOUR_A, to: HOUR_B + HOUR_MS - 1, query: '', requestedBy: 't' });
    if (!created.ok) throw new Error(created.message);
    const cancelled = await ask<RehydrationJobView>(ARCHIVE_SUBJECTS.cancelRehydration, { tenant: tenants.s3, id: created.value.id });
    expect(cancelled).toMatchObject({ ok: true, value: { state: expect.stringMatching(/cancelled|deleted/) } });
    await eventually(async () => ((await os.indices.exists({ index: created.value.index })).body === false ? true : undefined), 15_000);
  });
});

describe('archiving to a folder', () => {
  it('writes the parts and manifests under the archive root only', async () => {
    const published = await publish(tenants.fs, 120);
    const base = path.join(fsRoot, 'single-box', `tenant=${tenants.fs}`);
    const files = (): string[] => {
      const out: string[] = [];
      const walk = (dir: string) => {
        for (const name of readdirSync(dir)) {
          const p = path.join(dir, name);
          if (statSync(p).isDirectory()) walk(p);
          else out.push(path.relative(fsRoot, p));
        }
      };
      try {
        walk(base);
      } catch {
        /* not there yet */
      }
      return out.sort();
    };
    const ids = await eventually(async () => {
      const found = await archivedIds(async (key) => readFileSync(path.join(fsRoot, key)), files());
      return found.length >= published.length ? found : undefined;
    });
    expect(ids.sort()).toEqual(published.map((e) => e.id).sort());
    expect(files().every((f) => f.startsWith(`single-box/tenant=${tenants.fs}/year=`))).toBe(true);
  });
});
