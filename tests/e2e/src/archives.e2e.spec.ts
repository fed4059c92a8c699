// Archives end to end: the eight services as real processes, the real test servers, and a real
// S3-compatible server (versitygw via tools/stack/s3.mjs). Lines go in through the gateway and
// come out as objects in the store; rehydration brings a range back into search.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { Client as PgClient } from 'pg';
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './support/http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './support/platform';
import { REPO_ROOT, stackEnv } from './support/stack';

jest.setTimeout(300_000);

const HOUR = 3_600_000;
const ARCHIVER_URL = 'http://127.0.0.1:27087';
/** Short parts, quick retries and a short rehydration expiry, so the test runs in seconds. */
const ARCHIVER_ENV = {
  ARCHIVE_PART_MAX_AGE_MS: '1500',
  // A crashed archiver's messages come back after ack_wait: short here, 5 min by default.
  ARCHIVE_ACK_WAIT_MS: '10000',
  ARCHIVE_RETRY_BACKOFF_MS: '500,1000,2000',
  ARCHIVE_PROBE_INTERVAL_MS: '500',
  ARCHIVE_STORE_TIMEOUT_MS: '3000',
  ARCHIVE_REHYDRATION_POLL_MS: '300',
  ARCHIVE_REHYDRATION_TTL_SECONDS: '20',
  ARCHIVE_CLEANUP_INTERVAL_MS: '1000',
};

interface S3Settings {
  S3_ENDPOINT: string;
  S3_REGION: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  started: boolean;
}

function s3cli(command: 'up' | 'down'): S3Settings {
  const out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'tools', 'stack', 's3.mjs'), command, '--profile', 'test'], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as S3Settings;
}

let platform: Platform;
let s3: S3Settings;
let s3client: S3Client;
let nc: NatsConnection;
let jsm: JetStreamManager;
let pg: PgClient;
let bucket: string;
let orgA: OrgKeys; // S3 destination
let orgB: OrgKeys; // filesystem destination
let orgC: OrgKeys; // no archive: the neighbour trying to look
/** A past hour (not the current one), where the test's lines are stamped. */
const HOUR_START = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR;

const api = <T = Record<string, unknown>>(method: string, p: string, key: string, body?: unknown) =>
  request<T>(method, `${platform.urls.query}${p}`, { key, body });

function s3Destination(extra: Record<string, unknown> = {}) {
  return {
    type: 's3', endpoint: s3.S3_ENDPOINT, region: s3.S3_REGION, bucket, prefix: 'e2e/archive', forcePathStyle: true,
    accessKeyId: s3.S3_ACCESS_KEY_ID, secretAccessKey: s3.S3_SECRET_ACCESS_KEY, ...extra,
  };
}

async function ingest(org: OrgKeys, lines: object[]): Promise<void> {
  for (let i = 0; i < lines.length; i += 500) {
    const reply = await request('POST', `${platform.urls.ingest}/logs/ingest?hostname=e2e-archive`, { key: org.ingestKey, body: { lines: lines.slice(i, i + 500) } });
    if (reply.status !== 200) throw new Error(`ingest answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  }
}

/** `count` lines with a marker, stamped inside HOUR_START; every third is an error. */
function lines(marker: string, count: number): object[] {
  return Array.from({ length: count }, (_, i) => ({
    line: `${marker} line ${i}`, app: 'archive-e2e', level: i % 3 === 0 ? 'error' : 'info', timestamp: HOUR_START + 60_000 + i * 10,
  }));
}

async function searchIds(org: OrgKeys, q: string, extra = ''): Promise<string[]> {
  const reply = await api<{ events: LogEvent[] }>('GET', `/v1/search?q=${encodeURIComponent(q)}&limit=10000&from=${HOUR_START}&to=${HOUR_START + HOUR - 1}${extra}`, org.readKey);
  if (reply.status !== 200) throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.events.map((e) => e.id).sort();
}

/** Every archived line of a tenant in S3, from the parts that have a manifest (verified). */
async function archivedInS3(tenant: string): Promise<LogEvent[]> {
  const prefix = `e2e/archive/tenant=${tenant}/`;
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const get = async (key: string) => Buffer.from(await (await s3client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body!.transformToByteArray());
  const events: LogEvent[] = [];
  for (const manifestKey of keys.filter((k) => k.endsWith('.manifest.json'))) {
    const manifest = JSON.parse((await get(manifestKey)).toString()) as { lines: number; sha256: string };
    const body = await get(manifestKey.replace('.manifest.json', '.ndjson.gz'));
    expect(createHash('sha256').update(body).digest('hex')).toBe(manifest.sha256);
    const part = gunzipSync(body).toString().trim().split('\n').map((l) => JSON.parse(l) as LogEvent);
    expect(part).toHaveLength(manifest.lines);
    events.push(...part);
  }
  return events;
}

function archivedInFolder(root: string): LogEvent[] {
  const events: LogEvent[] = [];
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.ndjson.gz') && existsSync(p.replace('.ndjson.gz', '.manifest.json'))) {
        events.push(...gunzipSync(readFileSync(p)).toString().trim().split('\n').map((l) => JSON.parse(l) as LogEvent));
      }
    }
  };
  walk(root);
  return events;
}

/** Wait until the archive holds every one of `expected` ids (duplicates allowed); returns every archived line of the marker. */
async function archivedAll(read: () => Promise<LogEvent[]>, marker: string, expected: string[], timeoutMs = 60_000): Promise<LogEvent[]> {
  return eventually(async () => {
    const found = (await read()).filter((e) => e.message.startsWith(`${marker} `));
    const ids = new Set(found.map((e) => e.id));
    return expected.every((id) => ids.has(id)) ? found : undefined;
  }, timeoutMs, 500);
}

async function archiverMetric(name: string): Promise<number> {
  const text = await (await fetch(`${ARCHIVER_URL}/metrics`)).text();
  return text.split('\n').filter((l) => l.startsWith(name)).reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
}

async function restartArchiver(extra: Record<string, string> = {}): Promise<void> {
  await platform.stop('archiver');
  await platform.start('archiver', { ...ARCHIVER_ENV, ...extra });
}

beforeAll(async () => {
  s3 = s3cli('up');
  s3client = new S3Client({
    endpoint: s3.S3_ENDPOINT, region: s3.S3_REGION, forcePathStyle: true,
    credentials: { accessKeyId: s3.S3_ACCESS_KEY_ID, secretAccessKey: s3.S3_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  bucket = `e2e-${Date.now().toString(36)}`;
  await s3client.send(new CreateBucketCommand({ Bucket: bucket }));
  platform = await startPlatform();
  await restartArchiver();
  orgA = platform.createOrg(uniqueOrg('arch-a'));
  orgB = platform.createOrg(uniqueOrg('arch-b'));
  orgC = platform.createOrg(uniqueOrg('arch-c'));
  nc = await connect({ servers: stackEnv().NATS_URL, name: 'e2e-archives' });
  jsm = await jetstreamManager(nc);
  pg = new PgClient({ connectionString: stackEnv().DATABASE_URL });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end().catch(() => undefined);
  await nc?.drain().catch(() => undefined);
  await platform?.shutdown();
  s3client?.destroy();
  if (s3?.started) s3cli('down');
});

describe('archive configuration', () => {
  it('is created, read, updated and deleted by the tenant, with the credentials never shown', async () => {
    expect((await api('GET', '/v1/archives', orgA.readKey)).status).toBe(404);
    // Reading needs logs:read, changing needs config:manage.
    expect((await api('POST', '/v1/archives', orgA.readKey, { destination: s3Destination() })).status).toBe(403);
    expect((await api('GET', '/v1/archives', orgA.ingestKey)).status).toBe(403);

    const created = await api<{ destination: Record<string, unknown>; version: number }>('POST', '/v1/archives', orgA.adminKey, { destination: s3Destination() });
    expect(created.status).toBe(201);
    expect(created.body.destination).toMatchObject({ type: 's3', bucket, hasSecret: true, accessKeyId: s3.S3_ACCESS_KEY_ID });
    expect(JSON.stringify(created.body)).not.toContain(s3.S3_SECRET_ACCESS_KEY);
    const read = await api('GET', '/v1/archives', orgA.readKey);
    expect(read.status).toBe(200);
    expect(JSON.stringify(read.body)).not.toContain(s3.S3_SECRET_ACCESS_KEY);
    // Stored sealed, not in clear.
    const row = await pg.query('SELECT sealed_secret, destination FROM query.archive_configs WHERE tenant = $1', [orgA.org]);
    expect(row.rows[0].sealed_secret).toMatch(/^s2\.[0-9a-f]{12}\./);
    expect(JSON.stringify(row.rows[0])).not.toContain(s3.S3_SECRET_ACCESS_KEY);

    expect((await api('POST', '/v1/archives', orgA.adminKey, { destination: s3Destination() })).status).toBe(409);
    const { secretAccessKey: _omitted, ...withoutSecret } = s3Destination();
    const updated = await api<{ version: number; destination: Record<string, unknown> }>('PUT', '/v1/archives', orgA.adminKey, { destination: withoutSecret });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ version: 2, destination: { hasSecret: true } });
    // Pointing the kept credentials somewhere else needs them again.
    expect((await api('PUT', '/v1/archives', orgA.adminKey, { destination: { ...withoutSecret, endpoint: 'http://127.0.0.2:9' } })).status).toBe(400);
    expect((await api('PUT', '/v1/archives', orgA.adminKey, { destination: { ...withoutSecret, bucket: 'Not_A_Bucket' } })).status).toBe(400);

    // A folder must stay inside the archive root.
    expect((await api('POST', '/v1/archives', orgB.adminKey, { destination: { type: 'filesystem', path: '../../etc' } })).status).toBe(400);
    expect((await api('POST', '/v1/archives', orgB.adminKey, { destination: { type: 'filesystem', path: '/etc' } })).status).toBe(400);
    const fs = await api('POST', '/v1/archives', orgB.adminKey, { destination: { type: 'filesystem', path: `e2e/${orgB.org}` } });
    expect(fs.status).toBe(201);

    // Deleting and creating again works; the neighbour sees none of it.
    expect((await api('DELETE', '/v1/archives', orgC.adminKey)).status).toBe(404);
    expect((await api('GET', '/v1/archives', orgC.readKey)).status).toBe(404);
    expect((await api('PUT', '/v1/archives', orgC.adminKey, { destination: { ...withoutSecret } })).status).toBe(400);
    const scratch = platform.createOrg(uniqueOrg('arch-d'));
    expect((await api('POST', '/v1/archives', scratch.adminKey, { destination: { type: 'filesystem', path: 'scratch' } })).status).toBe(201);
    expect((await api('DELETE', '/v1/archives', scratch.adminKey)).status).toBe(204);
    expect((await api('GET', '/v1/archives', scratch.readKey)).status).toBe(404);
  });
});

describe('archiving', () => {
  it('writes exactly the lines ingested, counted by id', async () => {
    const marker = `arch${Date.now()}`;
    await ingest(orgA, lines(marker, 300));
    const searched = await eventually(async () => {
      const ids = await searchIds(orgA, marker);
      return ids.length === 300 ? ids : undefined;
    }, 60_000, 500);
    const archived = await archivedAll(() => archivedInS3(orgA.org), marker, searched);
    const ids = archived.map((e) => e.id).sort();
    expect(new Set(ids).size).toBe(300);
    expect([...new Set(ids)]).toEqual(searched);
    expect(archived.every((e) => e.tenant === orgA.org && Math.floor(e.ts / HOUR) * HOUR === HOUR_START)).toBe(true);
    expect(archived.find((e) => e.message === `${marker} line 3`)).toMatchObject({ app: 'archive-e2e', level: 'error', host: 'e2e-archive' });
  });

  it('loses nothing when the archiver dies between the upload and the ack', async () => {
    await platform.stop('archiver');
    const marker = `crash${Date.now()}`;
    await ingest(orgA, lines(marker, 200));
    const searched = await eventually(async () => {
      const ids = await searchIds(orgA, marker);
      return ids.length === 200 ? ids : undefined;
    }, 60_000, 500);
    // This archiver uploads and verifies a part, then exits before acking its messages.
    await platform.start('archiver', { ...ARCHIVER_ENV, ARCHIVER_FAULT_CRASH_BEFORE_ACK: 'true' }).catch(() => undefined);
    await eventually(async () => (platform.isRunning('archiver') ? undefined : true), 60_000);
    const beforeRestart = (await archivedInS3(orgA.org)).filter((e) => e.message.startsWith(`${marker} `));
    expect(beforeRestart.length).toBeGreaterThan(0); // the part made it to the store…
    await platform.start('archiver', ARCHIVER_ENV);
    const archived = await archivedAll(() => archivedInS3(orgA.org), marker, searched);
    // …and its lines came again after the restart: duplicates at worst, never a gap.
    expect([...new Set(archived.map((e) => e.id))].sort()).toEqual(searched);
    expect(archived.length).toBeGreaterThanOrEqual(200);
    await eventually(async () => {
      const info = await jsm.consumers.info('EVENTS', 'archiver');
      return info.num_ack_pending === 0 && info.num_pending === 0 ? true : undefined;
    }, 60_000, 500);
  });

  it('holds the lines back while the store is down, says so, and archives them once it is back', async () => {
    const failuresBefore = await archiverMetric('millrace_archive_upload_failures_total');
    s3cli('down');
    const marker = `outage${Date.now()}`;
    try {
      await ingest(orgA, lines(marker, 150));
      const health = await eventually(async () => {
        const reply = await request<{ status: string; failingDestinations: Array<{ tenant: string }> }>('GET', `${ARCHIVER_URL}/health/archive`);
        return reply.body.status === 'degraded' && reply.body.failingDestinations.some((d) => d.tenant === orgA.org) ? reply.body : undefined;
      }, 60_000, 500);
      expect(health.status).toBe('degraded');
      expect(await archiverMetric('millrace_archive_upload_failures_total')).toBeGreaterThan(failuresBefore);
      // Not unready: the archiver works, the lines wait in EVENTS.
      expect((await request('GET', `${ARCHIVER_URL}/health/ready`)).status).toBe(200);
      expect((await api<{ state: string }>('GET', '/v1/archives/status', orgA.readKey)).body).toMatchObject({ state: 'failing' });
      const info = await jsm.consumers.info('EVENTS', 'archiver');
      expect(info.num_ack_pending + info.num_pending).toBeGreaterThan(0);
    } finally {
      s3 = { ...s3cli('up'), started: s3.started };
    }
    const searched = await searchIds(orgA, marker);
    expect(searched).toHaveLength(150);
    const archived = await archivedAll(() => archivedInS3(orgA.org), marker, searched, 120_000);
    expect([...new Set(archived.map((e) => e.id))].sort()).toEqual(searched);
    await eventually(async () => ((await request<{ status: string }>('GET', `${ARCHIVER_URL}/health/archive`)).body.status === 'ok' ? true : undefined), 30_000, 500);
  });

  it('writes a filesystem destination inside the archive root', async () => {
    const marker = `folder${Date.now()}`;
    await ingest(orgB, lines(marker, 120));
    const searched = await eventually(async () => {
      const ids = await searchIds(orgB, marker);
      return ids.length === 120 ? ids : undefined;
    }, 60_000, 500);
    const root = path.join(REPO_ROOT, '.millrace', 'archives', 'test', 'e2e', orgB.org, `tenant=${orgB.org}`);
    const archived = await archivedAll(async () => archivedInFolder(root), marker, searched);
    expect([...new Set(archived.map((e) => e.id))].sort()).toEqual(searched);
  });
});

describe('rehydration', () => {
  it('makes exactly the lines of a range and query searchable again, for its tenant only, until it expires', async () => {
    const marker = `rehy${Date.now()}`;
    await ingest(orgA, lines(marker, 240));
    const all = await eventually(async () => {
      const ids = await searchIds(orgA, marker);
      return ids.length === 240 ? ids : undefined;
    }, 60_000, 500);
    await archivedAll(() => archivedInS3(orgA.org), marker, all);
    const expected = await searchIds(orgA, `${marker} AND level:error`);
    expect(expected).toHaveLength(80);

    const body = { from: HOUR_START, to: HOUR_START + HOUR - 1, query: `${marker} AND level:error` };
    expect((await api('POST', '/v1/archives/rehydrations', orgA.readKey, body)).status).toBe(403);
    expect((await api('POST', '/v1/archives/rehydrations', orgC.adminKey, body)).status).toBe(409); // no archive of its own
    const created = await api<{ id: string; state: string }>('POST', '/v1/archives/rehydrations', orgA.adminKey, body);
    expect(created.status).toBe(202);
    const id = created.body.id;

    const job = await eventually(async () => {
      const reply = await api<{ state: string; progress: Record<string, number> }>('GET', `/v1/archives/rehydrations/${id}`, orgA.readKey);
      return ['succeeded', 'failed'].includes(reply.body.state) ? reply.body : undefined;
    }, 120_000, 500);
    expect(job.state).toBe('succeeded');
    expect(job.progress.linesIndexed).toBe(80);
    expect(job.progress.objectsRead).toBeGreaterThan(0);
    expect(job.progress.bytesRead).toBeGreaterThan(0);

    const rehydrated = await api<{ events: LogEvent[] }>('GET', `/v1/search?rehydrated=${id}&limit=10000`, orgA.readKey);
    expect(rehydrated.status).toBe(200);
    expect(rehydrated.body.events.map((e) => e.id).sort()).toEqual(expected);
    const narrowed = await api<{ events: LogEvent[] }>('GET', `/v1/search?rehydrated=${id}&q=${encodeURIComponent(`"${marker} line 3"`)}`, orgA.readKey);
    expect(narrowed.body.events.map((e) => e.message)).toEqual([`${marker} line 3`]);

    // The neighbour can neither see the job nor search it nor cancel it.
    expect((await api('GET', `/v1/archives/rehydrations/${id}`, orgC.readKey)).status).toBe(404);
    expect((await api('GET', `/v1/search?rehydrated=${id}`, orgC.readKey)).status).toBe(404);
    expect((await api('DELETE', `/v1/archives/rehydrations/${id}`, orgC.adminKey)).status).toBe(404);
    expect(((await api<{ jobs: unknown[] }>('GET', '/v1/archives/rehydrations', orgC.readKey)).body.jobs)).toEqual([]);

    // The temporary index expires (20 s in this test) and the job says so.
    const expired = await eventually(async () => {
      const reply = await api<{ state: string }>('GET', `/v1/archives/rehydrations/${id}`, orgA.readKey);
      return reply.body.state === 'expired' ? reply.body : undefined;
    }, 90_000, 1000);
    expect(expired.state).toBe('expired');
    expect((await api('GET', `/v1/search?rehydrated=${id}`, orgA.readKey)).status).toBe(404);
    const indices = await fetch(`${stackEnv().OPENSEARCH_URL}/_cat/indices/millrace-rehydrated-${orgA.org}-${id}?format=json`);
    expect(indices.status).toBe(404);
  });

  it('cancels a job on request', async () => {
    const created = await api<{ id: string }>('POST', '/v1/archives/rehydrations', orgA.adminKey, { from: HOUR_START - 24 * HOUR, to: HOUR_START + HOUR - 1 });
    expect(created.status).toBe(202);
    const cancelled = await api<{ state: string }>('DELETE', `/v1/archives/rehydrations/${created.body.id}`, orgA.adminKey);
    expect(cancelled.status).toBe(200);
    expect(['cancelled', 'deleted']).toContain(cancelled.body.state);
    expect((await api('GET', `/v1/search?rehydrated=${created.body.id}`, orgA.readKey)).status).toBe(404);
  });
});
