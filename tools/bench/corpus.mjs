// Benchmark corpora, deterministic so every run sends the same bytes.
//   mixed (default): 40% nested JSON, 30% nginx access lines, 20% logfmt, 10% plain text,
//                    about 220 bytes a line — what a real organisation's traffic looks like.
//   json:            flat ~200-byte JSON application lines (the older benchmarks' corpus).
// A request is NDJSON for `POST /v1/ingest`: JSON lines as objects, text lines as JSON strings.

const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 201, 204, 301, 404, 500, 503];
const LEVELS = ['info', 'info', 'info', 'debug', 'warn', 'error'];
const AGENTS = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36',
  'curl/8.5.0',
  'Go-http-client/1.1',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const hex = (n, width) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
// murmur3's finaliser: well-spread bits from consecutive line numbers.
const mix = (n) => {
  let h = Math.imul(n ^ (n >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
};

function nginxTime(ms) {
  const d = new Date(ms);
  const p = (v) => String(v).padStart(2, '0');
  return `${p(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Line n of the mixed corpus, stamped at `ms`; `marker` makes a run's lines findable. */
export function mixedLine(n, ms, marker) {
  const h = mix(n);
  const status = STATUSES[h % STATUSES.length];
  const method = METHODS[(h >>> 4) % METHODS.length];
  const level = LEVELS[(h >>> 8) % LEVELS.length];
  const latency = (h >>> 12) % 1500;
  const kind = n % 10;
  if (kind < 4) {
    // Nested JSON, as structured application loggers write it.
    return {
      json: true,
      text: JSON.stringify({
        ts: new Date(ms).toISOString(),
        level,
        msg: `order ${marker} ${method === 'GET' ? 'looked up' : 'updated'}`,
        service: `checkout-${n % 5}`,
        http: { method, path: `/api/v1/orders/${h % 9973}`, status, latency_ms: latency },
        user: { id: `u${h % 131}`, plan: ['free', 'pro', 'team'][h % 3], country: ['DE', 'FR', 'US', 'JP'][h % 4] },
        trace_id: `${hex(h, 8)}${hex(mix(h), 8)}`,
      }),
    };
  }
  if (kind < 7) {
    const ip = `10.${h % 256}.${(h >>> 8) % 256}.${(h >>> 16) % 256}`;
    return {
      json: false,
      text: `${ip} - - [${nginxTime(ms)}] "${method} /api/v1/items/${h % 977}?page=${h % 9}&q=${marker} HTTP/1.1" ${status} ${(h >>> 3) % 20000} "https://shop.example/" "${AGENTS[h % AGENTS.length]}"`,
    };
  }
  if (kind < 9) {
    return {
      json: false,
      text: `time=${new Date(ms).toISOString()} level=${level} msg="cache ${status < 400 ? 'hit' : 'miss'} ${marker}" component=cache key=user:${h % 131} duration_ms=${latency % 90} hit=${status < 400} region=eu-west-${1 + (h % 3)} node=cache-${h % 7} request_id=${hex(mix(h), 8)}`,
    };
  }
  return {
    json: false,
    text: `worker ${h % 17} finished job ${h % 100000} for merchant m-${h % 977} in ${latency} ms after ${h % 4} retries, queue depth ${h % 300}, batch size ${h % 5000} items (${marker})`,
  };
}

/** Line n of the flat JSON corpus. */
export function jsonLine(n, ms, marker) {
  return {
    json: true,
    text: JSON.stringify({
      ts: new Date(ms).toISOString(),
      level: ['info', 'warn', 'error', 'debug'][n % 4],
      msg: `request ${marker} handled path=/api/v1/items/${n % 977} user=u${n % 131}`,
      status: [200, 201, 404, 500][n % 4],
      latency_ms: (n * 37) % 1500,
      trace: hex(mix(n), 8),
    }),
  };
}

export const CORPORA = { mixed: mixedLine, json: jsonLine };

/** One NDJSON request body of `count` lines starting at line `first`. */
export function ndjsonBody(corpus, first, count, ms, marker) {
  const make = CORPORA[corpus];
  if (!make) throw new Error(`unknown corpus ${corpus} (mixed or json)`);
  const out = new Array(count);
  for (let i = 0; i < count; i++) {
    const { json, text } = make(first + i, ms, marker);
    out[i] = json ? text : JSON.stringify(text);
  }
  return `${out.join('\n')}\n`;
}
