import { Option, type Command } from 'commander';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { ApiError, ConnectionError } from '../../api/errors';
import type { GlobalOptions } from '../../api/connect';
import { CliError } from '../../errors';
import type { Factory } from '../../factory';
import { writeOut } from '../../io/streams';
import { formatEvent, formatEventJson, type EventView } from '../../output/events';
import { action, examples, filterOptions, filtersOf, intOption } from '../shared/command';
import { buildQuery, type QueryFilters } from '../shared/query';
import { openTail } from './http';

interface TailOptions extends QueryFilters {
  json?: boolean;
  backlog?: number;
}

/** The server sends a comment at least every 15 s; this much silence means the connection is dead. */
const SILENCE_MS = 45_000;
const MAX_BACKOFF_MS = 15_000;

export function registerTail(parent: Command, f: Factory): void {
  const command = parent
    .command('tail')
    .argument('[query]', 'a query (empty: everything)')
    .description('follow events live as they arrive; reconnects by itself and resumes exactly where it was')
    .option('--json', 'one JSON event per line (NDJSON)')
    .addOption(new Option('-b, --backlog <n>', 'matching lines from before the start to show first (server default 100)').argParser(intOption('--backlog', 0, 1000)));
  filterOptions(command);
  examples(command, [
    'millrace tail',
    'millrace tail -a api -l error',
    'millrace tail \'status:>=500\' -H web-1 -H web-2 --backlog 0',
    'millrace tail --json | jq -r .message',
  ]);
  action<TailOptions>(command, f, tail);
}

async function tail(f: Factory, [text]: Array<string | undefined>, options: TailOptions & GlobalOptions): Promise<void> {
  const q = buildQuery(text, filtersOf(options));
  const api = f.connect(options).services.query;
  const notice = (message: string) => f.io.stderr.write(`${f.io.errColor.yellow(message)}\n`);
  let lastEventId: string | undefined;
  let retryMs = 2000;
  let failures = 0;
  let connectedOnce = false;
  let serverError: string | undefined;

  while (!f.signal.aborted) {
    const connection = new AbortController();
    const abort = () => connection.abort(f.signal.reason);
    f.signal.addEventListener('abort', abort, { once: true });
    let watchdog: NodeJS.Timeout | undefined;
    const quiet = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(() => connection.abort(new Error('no data for 45 s')), SILENCE_MS);
    };
    try {
      const body = await openTail(api, { q, backlog: options.backlog, lastEventId }, connection.signal);
      quiet();
      let pending = '';
      const parser = createParser({
        maxBufferSize: 8 * 1024 * 1024,
        onRetry: (ms) => (retryMs = ms),
        onEvent: (message: EventSourceMessage) => {
          switch (message.event) {
            case undefined:
            case 'message': {
              const event = JSON.parse(message.data) as EventView;
              if (message.id) lastEventId = message.id;
              pending += options.json ? formatEventJson(event) : formatEvent(event, f.io.color);
              break;
            }
            case 'ready': {
              if (connectedOnce && failures > 0) notice('reconnected: no line was missed');
              else if (f.io.stderrIsTTY && !connectedOnce) f.io.stderr.write(f.io.errColor.dim('live: waiting for new lines (Ctrl-C to stop)\n'));
              connectedOnce = true;
              failures = 0;
              break;
            }
            case 'dropped': {
              const { count } = JSON.parse(message.data) as { count: number };
              notice(`${count} line${count === 1 ? '' : 's'} dropped here: this tail read more slowly than lines arrived`);
              break;
            }
            case 'gap':
              notice('lines were lost here: the resume point is older than the server keeps (JETSTREAM_MAX_AGE_HOURS)');
              break;
            case 'error': {
              const { message: text } = JSON.parse(message.data) as { message?: string };
              serverError = text ?? message.data;
              if (connectedOnce) notice(`the server ended the tail: ${serverError}`);
              break;
            }
          }
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        quiet();
        parser.feed(decoder.decode(chunk, { stream: true }));
        if (pending) {
          const out = pending;
          pending = '';
          await writeOut(f.io.stdout, out);
        }
      }
      if (f.signal.aborted) return;
      if (serverError !== undefined && !connectedOnce) throw new CliError(serverError);
      throw new Error('the server closed the stream');
    } catch (error) {
      if (f.signal.aborted) return;
      // A tail that never started reports why; once running, only refusals are final (a bad
      // query or credential does not get better by retrying), breaks are resumed.
      if (!connectedOnce) throw error;
      if (error instanceof ApiError && error.status !== 429 && error.status < 500) throw error;
      if (error instanceof CliError && !(error instanceof ApiError) && !(error instanceof ConnectionError)) throw error;
      failures++;
      const wait = error instanceof ApiError && error.retryAfterSeconds !== undefined
        ? error.retryAfterSeconds * 1000
        : Math.min(MAX_BACKOFF_MS, retryMs * 2 ** Math.min(failures - 1, 3));
      if (failures === 1 || failures % 10 === 0) notice(`connection lost (${error instanceof Error ? error.message : String(error)}); reconnecting${lastEventId ? ' and resuming after the last line' : ''}…`);
      await f.sleep(wait, f.signal).catch(() => undefined);
    } finally {
      clearTimeout(watchdog);
      f.signal.removeEventListener('abort', abort);
    }
  }
}
