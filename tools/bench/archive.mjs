// Benchmark 5: archives.
//  - archive throughput: lines/s from EVENTS into verified parts (gzip NDJSON + manifest) in a
//    real S3-compatible store (versitygw, tools/stack/s3.mjs), and the compression ratio; beside
//    the raw limit under it: gzip + PutObject (with its SHA-256) + HEAD of the same lines, in
//    parts of the same size, at the same concurrency, with the same client library;
//  - rehydration speed: lines/s indexed by a rehydration job reading those parts back, beside raw
//    `_bulk` of the same documents into a scratch index.
// The archiver is measured alone: the other EVENTS consumers (indexer, alerter) are paused while
// it works, and it runs with parts closed by line count (not by age) so the clock measures work.
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import crypto from 'node:crypto';
import { connect } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { up as s3Up } from '../stack/s3.mjs';
import { call as apiCall, fmt, mib, runBounded, sampleLine } from './lib.mjs';

const require = createRequire(import.meta.url);
const services = require('../platform/services.cjs');
const { S3Client, CreateBucketCommand, ListObjectsV2Command, GetObjectCommand, PutObjectCommand, HeadObjectCommand } = require('@aws-sdk/client-s3');
const { Client } = require('@opensearch-project/opensearch');
const { eventId, newBatchId } = require('../../libs/log-schema/dist/index.js');
const { eventsIndexTemplate, toDocument } = require('../../libs/search-index/dist/index.js');

const gzip = promisify(gzipCallback);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HOUR = 3_600_000;
const PART_LINES = 50_000;
const BENCH_ARCHIVER_ENV = { ARCHIVE_PART_MAX_LINES: String(PART_LINES), ARCHIVE_PART_MAX_AGE_MS: '5000', ARCHIVE_REHYDRATION_POLL_MS: '200' };
const PAUSED = ['indexer', 'alerter'];

/** An API call that must succeed: its parsed body. */
async function call(method, url, key, body) {
  const res = await apiCall(method, url, key, body);
  if (res.status >= 400) throw new Error(`${method} ${url} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
  return res.body;
}

function events(tenant, count, hour) {
  const out = [];
  for (let start = 0; start < count; start += 1000) {
    const batchId = newBatchId();
    const batch = [];
    for (let i = start; i < Math.min(count, start + 1000); i++) {
      const ts = hour + Math.floor((i / count) * (HOUR - 1000));
      const line = JSON.parse(sampleLine(i, 'archive'));
      batch.push({
        id: eventId(batchId, i - start), tenant, ts, receivedAt: ts + 5, app: `bench-app-${i % 7}`, host: `host-${i % 13}`, level: line.level,
        message: line.msg, tags: [], fields: { status: line.status, latency_ms: line.latency_ms, trace: line.trace }, source: 'http-json',
      });
    }
    out.push({ v: 1, tenant, batchId, events: batch });
  }
  return out;
}

async function manifests(s3, bucket, prefix) {
  const found = [];
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) if (o.Key.endsWith('.manifest.json')) found.push(o.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** Archive throughput and rehydration speed, each beside its raw limit. */
export async function archiveBenchmarks({ stack, urls, org, quick }) {
  const lines = quick ? 100_000 : 500_000;
  const s3settings = await s3Up('dev');
  const s3 = new S3Client({
    endpoint: s3settings.S3_ENDPOINT, region: s3settings.S3_REGION, forcePathStyle: true,
    credentials: { accessKeyId: s3settings.S3_ACCESS_KEY_ID, secretAccessKey: s3settings.S3_SECRET_ACCESS_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = `bench-${Date.now().toString(36)}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  await call('PUT', `${urls.query}/v1/archives`, org.adminKey, {
    destination: {
      type: 's3', endpoint: s3settings.S3_ENDPOINT, region: s3settings.S3_REGION, bucket, prefix: 'bench', forcePathStyle: true,
      accessKeyId: s3settings.S3_ACCESS_KEY_ID, secretAccessKey: s3settings.S3_SECRET_ACCESS_KEY,
    },
  });

  const nc = await connect({ servers: stack.NATS_URL, name: 'bench-archive' });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const drained = async (durable) => {
    for (;;) {
      const info = await jsm.consumers.info('EVENTS', durable);
      if (info.num_pending + info.num_ack_pending === 0) return;
      await sleep(200);
    }
  };

  // The archiver alone, with parts closed by line count; its old backlog drained first.
  for (const s of PAUSED) await services.stopService('dev', s);
  await services.stopService('dev', 'archiver');
  services.startService('dev', 'archiver', stack, BENCH_ARCHIVER_ENV);
  await services.waitReady('dev', 'archiver');
  await drained('archiver');
  await sleep(1500); // the configuration reached the archiver

  const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const batches = events(org.org, lines, hour);
  const payloads = batches.map((b) => new TextEncoder().encode(JSON.stringify(b)));
  const started = performance.now();
  await runBounded(payloads.length, 8, async (i) => {
    await js.publish(`events.${org.org}`, payloads[i], { msgID: `bench-archive-${batches[i].batchId}` });
  });
  await drained('archiver');
  const archiveSeconds = (performance.now() - started) / 1000;
  let compressed = 0;
  let uncompressed = 0;
  let archivedLines = 0;
  const keys = await manifests(s3, bucket, `bench/tenant=${org.org}/`);
  for (const key of keys) {
    const res = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const m = JSON.parse(await res.Body.transformToString());
    compressed += m.bytes;
    uncompressed += m.uncompressedBytes;
    archivedLines += m.lines;
  }
  for (const s of PAUSED) services.startService('dev', s, stack);

  // Raw limit: the same lines as NDJSON, gzip'ed in parts of the same size, PutObject with the
  // SHA-256, HEAD to verify: four at a time, like the archiver's uploads.
  const ndjsonParts = [];
  const flat = batches.flatMap((b) => b.events);
  for (let i = 0; i < flat.length; i += PART_LINES) ndjsonParts.push(flat.slice(i, i + PART_LINES).map((e) => `${JSON.stringify(e)}\n`).join(''));
  const rawStarted = performance.now();
  await runBounded(ndjsonParts.length, 4, async (i) => {
    const body = await gzip(ndjsonParts[i]);
    const sha = crypto.createHash('sha256').update(body).digest('base64');
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `raw/part-${i}.ndjson.gz`, Body: body, ChecksumSHA256: sha }));
    await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: `raw/part-${i}.ndjson.gz`, ChecksumMode: 'ENABLED' }));
  });
  const rawArchiveSeconds = (performance.now() - rawStarted) / 1000;

  // Rehydration of the whole hour, timed by the job itself (started → finished).
  const job = await call('POST', `${urls.query}/v1/archives/rehydrations`, org.adminKey, { from: hour, to: hour + HOUR - 1 });
  let done;
  for (;;) {
    done = await call('GET', `${urls.query}/v1/archives/rehydrations/${job.id}`, org.adminKey);
    if (['succeeded', 'failed'].includes(done.state)) break;
    await sleep(250);
  }
  const rehydrateSeconds = (Date.parse(done.finishedAt) - Date.parse(done.startedAt)) / 1000;
  await call('DELETE', `${urls.query}/v1/archives/rehydrations/${job.id}`, org.adminKey).catch(() => undefined);

  // Raw limit: `_bulk` of the same documents, 1,000 per request, one at a time like the job.
  const os = new Client({ node: stack.OPENSEARCH_URL });
  const scratch = `bench-raw-rehydrate-${Date.now().toString(36)}`;
  const { settings, mappings } = eventsIndexTemplate({ shards: 1, replicas: 0 }).template;
  await os.indices.create({ index: scratch, body: { settings, mappings } });
  const rawBulkStarted = performance.now();
  for (const b of batches) {
    const body = [];
    for (const e of b.events) body.push({ index: { _index: scratch, _id: e.id, routing: e.tenant } }, toDocument(e));
    await os.bulk({ body });
  }
  await os.indices.refresh({ index: scratch });
  const rawBulkSeconds = (performance.now() - rawBulkStarted) / 1000;
  await os.indices.delete({ index: scratch }).catch(() => undefined);
  await os.close();

  // Back to the archiver's own settings (a restore that fails is reported, the figures stand).
  try {
    await services.stopService('dev', 'archiver');
    services.startService('dev', 'archiver', stack);
    await services.waitReady('dev', 'archiver');
    for (const s of PAUSED) {
      services.startService('dev', s, stack);
      await services.waitReady('dev', s);
    }
  } catch (error) {
    process.stderr.write(`archive bench: restoring the services failed: ${error.message}\n`);
  }
  await nc.close();
  s3.destroy();

  return {
    lines,
    archive: {
      linesPerSec: lines / archiveSeconds,
      mibPerSec: mib(uncompressed) / archiveSeconds,
      archivedLines,
      parts: keys.length,
      compressionRatio: uncompressed / compressed,
      rawLinesPerSec: lines / rawArchiveSeconds,
    },
    rehydrate: {
      state: done.state,
      linesIndexed: done.progress.linesIndexed,
      linesPerSec: done.progress.linesIndexed / rehydrateSeconds,
      bytesRead: done.progress.bytesRead,
      rawBulkLinesPerSec: lines / rawBulkSeconds,
    },
  };
}

export function reportArchive(r, print) {
  print('');
  print(`## Archives (${fmt(r.lines)} lines, one tenant-hour, versitygw on loopback)`);
  print(`archive:     ${fmt(r.archive.linesPerSec)} lines/s (${fmt(r.archive.mibPerSec, 1)} MiB/s uncompressed) into ${r.archive.parts} verified parts; raw gzip + PUT + HEAD: ${fmt(r.archive.rawLinesPerSec)} lines/s; ratio ${fmt(r.archive.linesPerSec / r.archive.rawLinesPerSec, 2)}`);
  print(`compression: ${fmt(r.archive.compressionRatio, 1)}× (gzip level 6, NDJSON events)${r.archive.archivedLines === r.lines ? '' : `; WARNING: ${r.archive.archivedLines} lines archived`}`);
  print(`rehydrate:   ${fmt(r.rehydrate.linesPerSec)} lines/s indexed (${r.rehydrate.state}, ${fmt(r.rehydrate.linesIndexed)} lines, ${fmt(mib(r.rehydrate.bytesRead), 1)} MiB read); raw _bulk: ${fmt(r.rehydrate.rawBulkLinesPerSec)} lines/s; ratio ${fmt(r.rehydrate.linesPerSec / r.rehydrate.rawBulkLinesPerSec, 2)}`);
}
