import { Option, type Command } from 'commander';
import { SingleBar } from 'cli-progress';
import { existsSync, statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import type { GlobalOptions } from '../../api/connect';
import { CliError, InterruptedError, UsageError } from '../../errors';
import type { Factory } from '../../factory';
import { writeOut } from '../../io/streams';
import { action, examples, filterOptions, filtersOf, rangeOptions } from '../shared/command';
import { buildQuery, type QueryFilters } from '../shared/query';
import { checkpointPath, readCheckpoint, removeCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
import { countEvents, openExport } from './http';
import { compareKeys, keyOf, RecordSplitter, type EventKey, type ExportFormat } from './records';

interface ExportOptions extends QueryFilters {
  from: string;
  to?: string;
  output?: string;
  format?: ExportFormat;
  force?: boolean;
  restart?: boolean;
}

/** A checkpoint at most this often (and after the last write). */
const CHECKPOINT_EVERY_MS = 250;
const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Relative times are fixed when an export starts, so a resumed export covers the same range. */
export function absoluteTime(text: string, now: number): string {
  const t = text.trim();
  if (t === 'now') return String(now);
  const relative = /^(?:now)?-(\d+)([smhdw])$/.exec(t);
  return relative ? String(now - Number(relative[1]) * UNITS[relative[2]]) : t;
}

export function registerExport(parent: Command, f: Factory): void {
  const command = parent
    .command('export')
    .argument('[query]', 'a query (empty: everything)')
    .description('write every matching event to a file, oldest first; an interrupted export resumes when run again')
    .option('-o, --output <file>', 'the file to write (default: standard output, which cannot resume)')
    .addOption(new Option('--format <format>', 'ndjson or csv (default: from the file name, else ndjson)').choices(['ndjson', 'csv']))
    .option('--force', 'overwrite an existing file')
    .option('--restart', 'start an interrupted export over instead of resuming it');
  filterOptions(command);
  rangeOptions(command);
  examples(command, [
    'millrace export -a billing --from -24h -o billing.ndjson',
    'millrace export \'level:error\' --from 2025-01-05 --to 2025-01-06 -o errors.csv',
    'millrace export -o big.ndjson --from -7d     # interrupted? run it again: it resumes',
  ]);
  action<ExportOptions>(command, f, runExport);
}

async function runExport(f: Factory, [text]: Array<string | undefined>, options: ExportOptions & GlobalOptions): Promise<void> {
  const file = options.output && options.output !== '-' ? options.output : undefined;
  const format: ExportFormat = options.format ?? (file?.toLowerCase().endsWith('.csv') ? 'csv' : 'ndjson');
  const q = buildQuery(text, filtersOf(options));
  const api = f.connect(options).services.query;
  const args = { query: q, from: options.from, to: options.to ?? 'now', format };

  let checkpoint = file ? readCheckpoint(file) : undefined;
  if (checkpoint && options.restart) {
    removeCheckpoint(file!);
    checkpoint = undefined;
  } else if (checkpoint && JSON.stringify(checkpoint.args) !== JSON.stringify(args)) {
    throw new UsageError(`${file} holds an unfinished export of other arguments (${JSON.stringify(checkpoint.args)}): run that command again to resume it, or add --restart`);
  } else if (!checkpoint && file && existsSync(file) && !options.force && !options.restart) {
    throw new UsageError(`${file} exists: add --force to overwrite it`);
  }
  const resuming = checkpoint !== undefined;
  if (checkpoint && statSync(file!).size < checkpoint.bytes) {
    throw new CliError(`${file} is shorter than its checkpoint says (${checkpoint.bytes} bytes): it was changed; start over with --restart`);
  }
  const now = f.now();
  const state: Checkpoint = checkpoint ?? { version: 1, args, range: { from: absoluteTime(args.from, now), to: absoluteTime(args.to, now) }, bytes: 0, lines: 0 };
  if (state.total === undefined) state.total = await countEvents(api, { q, ...state.range }, f.signal).catch(() => undefined);

  let handle: FileHandle | undefined;
  if (file) {
    handle = await open(file, resuming ? 'r+' : 'w', 0o644);
    await handle.truncate(state.bytes); // drops a record half-written when the last run stopped
    writeCheckpoint(file, state);
  }
  const write = async (chunk: string) => {
    if (handle) {
      const bytes = Buffer.from(chunk, 'utf8');
      await handle.write(bytes, 0, bytes.length, state.bytes);
      state.bytes += bytes.length;
    } else {
      await writeOut(f.io.stdout, chunk);
      state.bytes += Buffer.byteLength(chunk);
    }
  };

  const bar = f.io.progress ? progressBar(f, state) : undefined;
  if (resuming && f.io.stderrIsTTY) f.io.stderr.write(`resuming after line ${state.lines} (${state.bytes} bytes)\n`);
  const started = f.now();
  const startLines = state.lines;
  let lastSaved = 0;
  try {
    // A resumed export starts at the last written event's timestamp (inclusive) and skips the
    // events up to and including it: the order (ts, id) is total, so nothing is lost or doubled.
    const from = state.last ? String(state.last.ts) : state.range.from;
    const body = await openExport(api, { q, from, to: state.range.to, format }, f.signal);
    const splitter = new RecordSplitter(format);
    const decoder = new TextDecoder();
    let header = format === 'csv';
    let boundary: EventKey | undefined = state.last;
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      let out = '';
      let count = 0;
      let lastRecord: string | undefined;
      for (const record of splitter.push(decoder.decode(chunk, { stream: true }))) {
        if (header) {
          header = false;
          if (state.bytes === 0) out += record;
          continue;
        }
        if (boundary) {
          if (compareKeys(keyOf(format, record), boundary) <= 0) continue;
          boundary = undefined;
        }
        out += record;
        lastRecord = record;
        count++;
      }
      if (!out) continue;
      await write(out);
      state.lines += count;
      if (lastRecord) state.last = keyOf(format, lastRecord);
      bar?.update(state.lines, { size: formatBytes(state.bytes) });
      if (file && f.now() - lastSaved >= CHECKPOINT_EVERY_MS) {
        writeCheckpoint(file, state);
        lastSaved = f.now();
      }
    }
    if (splitter.rest.trim()) throw new Error('the export stream ended in the middle of a record');
  } catch (error) {
    bar?.stop();
    if (file) writeCheckpoint(file, state);
    await handle?.close();
    const where = `after ${state.lines} lines`;
    if (f.signal.aborted) throw new InterruptedError(`export interrupted ${where}${file ? `: run the same command again to resume (${checkpointPath(file)})` : ''}`);
    if (error instanceof CliError) throw error;
    throw new CliError(`the export broke off ${where} (${(error as Error).message})${file ? ': run the same command again to resume' : ''}`, undefined, { cause: error });
  }
  bar?.update(state.lines, { size: formatBytes(state.bytes) });
  bar?.stop();
  await handle?.close();
  if (file) removeCheckpoint(file);
  const seconds = Math.max(0.001, (f.now() - started) / 1000);
  if (file || f.io.stderrIsTTY) {
    f.io.stderr.write(`exported ${state.lines} lines (${formatBytes(state.bytes)}) ${file ? `to ${file} ` : ''}in ${seconds.toFixed(1)} s, ${Math.round((state.lines - startLines) / seconds)} lines/s\n`);
  }
}

function progressBar(f: Factory, state: Checkpoint): SingleBar {
  const bar = new SingleBar({
    stream: f.io.stderr as NodeJS.WriteStream,
    format: state.total
      ? '{bar} {percentage}% | {value}/{total} lines | {size} | {rate} lines/s | ETA {eta_formatted}'
      : '{value} lines | {size} | {rate} lines/s',
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 5,
  });
  const start = { at: f.now(), lines: state.lines };
  bar.start(state.total ?? 0, state.lines, { size: formatBytes(state.bytes), rate: 0 });
  const originalUpdate = bar.update.bind(bar);
  bar.update = ((value: number, payload?: object) => {
    const seconds = Math.max(0.001, (f.now() - start.at) / 1000);
    originalUpdate(value, { ...payload, rate: Math.round((value - start.lines) / seconds) });
  }) as typeof bar.update;
  return bar;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
