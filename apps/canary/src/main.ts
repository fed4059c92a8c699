import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Canary, STEADY } from './canary';
import { loadCanaryConfig, localProfileEnv, normaliseFaultsFlag, parseCanaryArgs, type CanaryArgs } from './config';
import { localFaultDriver } from './faults/local-driver';
import { runFaults, type PhaseReport } from './faults/run';
import { selectPhases } from './faults/schedule';
import { newRunId } from './lines';
import { formatReport, verdictOf, type CanaryReport } from './report';
import { ALL_PHASES } from './stats';
import { sleep } from './writer';

const REPO_ROOT = process.env.MILLRACE_REPO_ROOT ?? path.resolve(__dirname, '..', '..', '..');
const log = (message: string) => process.stderr.write(`[canary] ${message}\n`);

async function main(): Promise<number> {
  let args: CanaryArgs;
  try {
    args = parseCanaryArgs(normaliseFaultsFlag(process.argv.slice(2)));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  // Locally (no URLs in the environment) the profile's replicas and demo keys; in a cluster, the environment.
  const profile = args.profile ?? (process.env.CANARY_INGEST_URLS ? undefined : 'dev');
  const config = loadCanaryConfig(args, process.env, profile ? localProfileEnv(profile, REPO_ROOT) : {});
  const run = newRunId();
  const canary = new Canary({
    gateways: config.CANARY_INGEST_URLS, queryUrls: config.CANARY_QUERY_URLS, ingestKey: config.CANARY_INGEST_KEY, readKey: config.CANARY_READ_KEY,
    run, app: config.CANARY_APP, rate: config.CANARY_RATE, batch: config.CANARY_BATCH, lateMs: config.CANARY_LATE_MS,
    missingMs: config.CANARY_MISSING_MS, pollMs: config.CANARY_POLL_MS, maxRetryMs: config.CANARY_MAX_RETRY_MS,
    maxInFlight: config.CANARY_MAX_IN_FLIGHT, tail: config.CANARY_TAIL, log,
  });
  const metricsServer = config.CANARY_METRICS_PORT >= 0 ? await canary.metrics.serve(config.CANARY_METRICS_PORT, config.CANARY_METRICS_HOST) : undefined;
  log(`run ${run}: ${config.CANARY_RATE} lines/s in ${config.CANARY_BATCH}-line requests through ${config.CANARY_INGEST_URLS.join(', ')}; ` +
    `reading through ${config.CANARY_QUERY_URLS.join(', ')}${metricsServer ? `; metrics on :${metricsServer.port}/metrics` : ''}`);

  let stopRequested = false;
  const onSignal = () => {
    stopRequested = true;
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  await canary.start();
  const started = Date.now();
  const status = setInterval(() => {
    const c = canary.ledger.snapshot();
    const all = canary.figures(ALL_PHASES);
    log(`${c.acknowledged} acknowledged; search missing ${c.search.missing} dup ${c.search.duplicated} late ${c.search.late} pending ${c.search.pending}, ` +
      `p99 ${all.search.p99} ms; tail missing ${c.tail.missing} dup ${c.tail.duplicated} pending ${c.tail.pending}, p99 ${all.tail.p99} ms`);
  }, config.CANARY_REPORT_SECONDS * 1000);
  status.unref();

  let faults: PhaseReport[] | undefined;
  let faultError: Error | undefined;
  if (args.faults !== undefined) {
    if (!profile) throw new Error('--faults needs a local profile (--profile cluster, cluster-test, dev or test)');
    try {
      const driver = await localFaultDriver(profile, REPO_ROOT, log);
      try {
        faults = await runFaults(canary, driver, selectPhases(args.faults), {
          settleMs: config.CANARY_FAULT_SETTLE_MS, downMs: config.CANARY_FAULT_DOWN_MS, recoverTimeoutMs: config.CANARY_FAULT_RECOVER_TIMEOUT_MS, log,
        });
      } finally {
        await driver.close?.();
      }
    } catch (error) {
      faultError = error as Error;
      log(`the fault schedule stopped: ${faultError.message}`);
    }
  } else {
    const end = config.CANARY_DURATION_SECONDS > 0 ? started + config.CANARY_DURATION_SECONDS * 1000 : Infinity;
    while (!stopRequested && Date.now() < end) await sleep(200);
  }
  clearInterval(status);
  // A finite run is checked once more through export; a canary stopped by a signal reports what it knows.
  const { counts, exportCheck } = await canary.finish({ verify: !stopRequested || args.faults !== undefined });
  const partial: Omit<CanaryReport, 'verdict'> = {
    run, startedAt: new Date(canary.startedAt).toISOString(), durationSeconds: Math.round((Date.now() - started) / 1000), rate: config.CANARY_RATE,
    counts, exportCheck, tail: { reconnects: canary.tailReconnects, dropped: canary.tailDropped },
    overall: canary.figures(ALL_PHASES), steady: canary.figures(STEADY), faults,
  };
  const verdict = verdictOf(partial, { checkTail: config.CANARY_TAIL });
  if (faultError) {
    verdict.pass = false;
    verdict.problems.push(`the fault schedule stopped: ${faultError.message}`);
  }
  const report: CanaryReport = { ...partial, verdict };
  if (args.json) writeFileSync(args.json, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${formatReport(report)}\n`);
  await metricsServer?.close();
  return verdict.pass ? 0 : 1;
}

main().then((code) => process.exit(code), (error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
