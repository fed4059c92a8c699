import { Option, type Command } from 'commander';
import type { Factory } from '../../factory';
import { writeOut } from '../../io/streams';
import { formatEvent, formatEventJson } from '../../output/events';
import { action, examples, filterOptions, filtersOf, intOption, rangeOptions } from '../shared/command';
import { buildQuery, type QueryFilters } from '../shared/query';
import { searchPage } from './http';

interface SearchOptions extends QueryFilters {
  from: string;
  to?: string;
  limit: number;
  all?: boolean;
  json?: boolean;
  order: 'asc' | 'desc';
}

/** The API's largest page. */
const MAX_PAGE = 10_000;
const PAGE = 1000;

export function registerSearch(parent: Command, f: Factory): void {
  const command = parent
    .command('search')
    .argument('[query]', 'a query, e.g. \'level:error "connection reset" status:>=500\' (empty: everything)')
    .description('search stored events (newest first), paging with the cursor')
    .addOption(new Option('-n, --limit <n>', 'how many events to print').argParser(intOption('--limit', 1, Number.MAX_SAFE_INTEGER)).default(100))
    .option('--all', 'every matching event, page after page (ignores --limit)')
    .option('--json', 'one JSON event per line (NDJSON)')
    .addOption(new Option('--order <order>', 'newest (desc) or oldest (asc) first').choices(['desc', 'asc']).default('desc'));
  filterOptions(command);
  rangeOptions(command);
  examples(command, [
    'millrace search timeout',
    'millrace search \'status:>=500\' -a api -l error --from -1h',
    'millrace search -a checkout --from 2025-01-05T10:00 --to 2025-01-05T11:00 --all --json > checkout.ndjson',
    'millrace search --json -n 5 | jq .message',
  ]);
  action<SearchOptions>(command, f, async (f, [text], options) => {
    const q = buildQuery(text, filtersOf(options));
    const api = f.connect(options).services.query;
    let remaining = options.all ? Number.POSITIVE_INFINITY : options.limit;
    let cursor: string | undefined;
    let printed = 0;
    do {
      const limit = Math.min(remaining, options.all ? PAGE : MAX_PAGE);
      const page = await searchPage(api, { q, from: options.from, to: options.to, limit, order: options.order, cursor }, f.signal);
      let out = '';
      for (const event of page.events) out += options.json ? formatEventJson(event) : formatEvent(event, f.io.color);
      await writeOut(f.io.stdout, out);
      printed += page.events.length;
      remaining -= page.events.length;
      cursor = page.nextCursor;
    } while (cursor && remaining > 0);
    if (printed === 0 && f.io.stderrIsTTY) f.io.stderr.write('no events match\n');
  });
}
