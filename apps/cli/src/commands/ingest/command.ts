import { Option, type Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { ApiError, ConnectionError, formatWait } from '../../api/errors';
import type { GlobalOptions } from '../../api/connect';
import { AuthError, CliError, InterruptedError } from '../../errors';
import type { Factory } from '../../factory';
import { action, examples, intOption } from '../shared/command';
import { sendBatch, type IngestContext, type IngestLine } from './http';

interface IngestOptions {
  app?: string;
  host?: string;
  level?: string;
  tags?: string;
  stamp?: boolean;
  batchLines: number;
  flushMs: number;
  retryFor: number;
}

/**
 * The broker recognises a re-sent batch for two minutes (its duplicate window). A batch whose
 * first send may have been stored is retried only within this time, so it is never stored twice.
 */
const DEDUPE_WINDOW_MS = 110_000;
const MAX_BATCH_BYTES = 1024 * 1024;
/** A line longer than this (no newline in sight) is sent in pieces; the gateway cuts at 32 KiB anyway. */
const MAX_LINE_CHARS = 256 * 1024;
const IN_FLIGHT = 2;

export function registerIngest(parent: Command, f: Factory): void {
  const command = parent
    .command('ingest')
    .description('send the lines of standard input, in batches; each line is stored exactly once, retried through breaks')
    .option('--app <app>', 'the app of every line')
    .option('--host <host>', 'the host of every line (default: this machine\'s name)')
    .option('--level <level>', 'the level of every line (default: found in the line)')
    .option('--tags <tags>', 'comma-separated tags')
    .option('--stamp', 'give each line the time it was read (default: the time in the line, else arrival)')
    .addOption(new Option('--batch-lines <n>', 'lines per request').argParser(intOption('--batch-lines', 1, 50_000)).default(1000))
    .addOption(new Option('--flush-ms <ms>', 'send a partial batch after this long').argParser(intOption('--flush-ms', 1, 60_000)).default(500))
    .addOption(new Option('--retry-for <seconds>', 'keep retrying a batch this long before counting it as not stored').argParser(intOption('--retry-for', 0, 86_400)).default(600));
  command.addHelpText('after', '\nExit status: 0 when every line was stored, 1 when some could not be, 3 when the key was refused.\n');
  examples(command, [
    'tail -F /var/log/app.log | millrace ingest --app app',
    'journalctl -f -o cat | millrace ingest --app journal --key "$MILLRACE_INGEST_KEY"',
    'echo "deploy finished" | millrace ingest --app deploy --level info --tags release,prod',
  ]);
  action<IngestOptions>(command, f, ingest);
}

interface Batch {
  lines: IngestLine[];
  bytes: number;
  key: string;
}

async function ingest(f: Factory, _args: Array<string | undefined>, options: IngestOptions & GlobalOptions): Promise<void> {
  const api = f.connect(options).services.ingest;
  const context: IngestContext = {
    hostname: options.host ?? hostname(),
    tags: options.tags?.split(',').map((t) => t.trim()).filter(Boolean),
  };
  const stats = { read: 0, stored: 0, failed: 0, duplicates: 0 };
  let fatal: unknown;
  const inFlight = new Set<Promise<void>>();

  const notice = (message: string) => f.io.stderr.write(`${f.io.errColor.yellow(message)}\n`);

  const deliver = async (batch: Batch) => {
    const firstTry = f.now();
    let uncertainSince: number | undefined;
    let lastProblem = '';
    for (let attempt = 1; ; attempt++) {
      if (fatal) return;
      try {
        const answer = await sendBatch(api, batch.lines, context, batch.key, f.signal);
        stats.stored += batch.lines.length;
        stats.duplicates += answer?.duplicates ?? 0;
        if (attempt > 1) notice(`stored ${batch.lines.length} lines after ${attempt} tries`);
        return;
      } catch (error) {
        if (f.signal.aborted) throw error;
        if (error instanceof ApiError && (error.status === 401 || error.status === 403)) throw new AuthError(`the ingest gateway refused the key: ${error.serverMessage}`);
        // No key, no URL: nothing can be stored.
        if (error instanceof CliError && !(error instanceof ApiError) && !(error instanceof ConnectionError)) throw error;
        const retryable = error instanceof ConnectionError || (error instanceof ApiError && (error.status === 429 || error.status >= 500 || error.status === 408));
        if (!retryable) {
          stats.failed += batch.lines.length;
          notice(`${batch.lines.length} lines could not be stored: ${(error as Error).message}`);
          return;
        }
        // A refused connection or a 429 stored nothing; anything else may have stored some of it.
        const certainlyNothing = (error instanceof ConnectionError && error.neverConnected) || (error instanceof ApiError && error.status === 429);
        if (!certainlyNothing) uncertainSince ??= f.now();
        const wait = error instanceof ApiError && error.retryAfterSeconds !== undefined
          ? error.retryAfterSeconds * 1000
          : Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6));
        const now = f.now();
        const outOfTime = now + wait - firstTry > options.retryFor * 1000;
        const outOfWindow = uncertainSince !== undefined && now + wait - uncertainSince > DEDUPE_WINDOW_MS;
        if (outOfTime || outOfWindow) {
          stats.failed += batch.lines.length;
          notice(`${batch.lines.length} lines ${uncertainSince !== undefined ? 'may not have been' : 'were not'} stored: gave up after ${attempt} tries (${(error as Error).message})`);
          return;
        }
        const problem = error instanceof ApiError ? `${error.status}` : 'unreachable';
        if (problem !== lastProblem) notice(`${(error as Error).message}: retrying in ${formatWait(Math.ceil(wait / 1000))}`);
        lastProblem = problem;
        await f.sleep(wait, f.signal);
      }
    }
  };

  const launch = async (batch: Batch) => {
    while (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    if (fatal) return;
    const task: Promise<void> = deliver(batch)
      .catch((error: unknown) => {
        fatal ??= error;
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  let batch: Batch = { lines: [], bytes: 0, key: randomUUID() };
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (batch.lines.length === 0) return flushing;
    const full = batch;
    batch = { lines: [], bytes: 0, key: randomUUID() };
    flushing = flushing.then(() => launch(full));
    return flushing;
  };
  const add = async (text: string) => {
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    if (line.trim() === '') return;
    stats.read++;
    batch.lines.push({ line, ...(options.app ? { app: options.app } : {}), ...(options.level ? { level: options.level } : {}), ...(options.stamp ? { timestamp: f.now() } : {}) });
    batch.bytes += line.length + 64;
    if (batch.lines.length >= options.batchLines || batch.bytes >= MAX_BATCH_BYTES) await flush();
    else timer ??= setTimeout(() => void flush(), options.flushMs);
  };

  let carry = '';
  const decoder = new TextDecoder();
  try {
    // Reading waits while two batches are on their way: a slow gateway slows the pipe, never fills memory.
    for await (const chunk of f.io.stdin as AsyncIterable<Buffer | string>) {
      if (fatal) break;
      const text = carry + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      let start = 0;
      for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
        await add(text.slice(start, nl));
        start = nl + 1;
      }
      carry = text.slice(start);
      while (carry.length > MAX_LINE_CHARS) {
        await add(carry.slice(0, MAX_LINE_CHARS));
        carry = carry.slice(MAX_LINE_CHARS);
      }
      await flushing;
    }
    carry += decoder.decode();
    if (carry) await add(carry);
    await flush();
    await Promise.all(inFlight);
  } catch (error) {
    clearTimeout(timer);
    if (f.signal.aborted) {
      await Promise.allSettled(inFlight);
      throw new InterruptedError(`interrupted: ${stats.stored} of ${stats.read} lines stored`);
    }
    throw error;
  }
  clearTimeout(timer);
  if (fatal) throw fatal;
  if (f.io.stderrIsTTY) f.io.stderr.write(`${stats.stored} lines stored${stats.duplicates ? ` (${stats.duplicates} batches recognised as already stored)` : ''}\n`);
  if (stats.failed > 0) throw new CliError(`${stats.failed} of ${stats.read} lines could not be stored (${stats.stored} were)`);
}
