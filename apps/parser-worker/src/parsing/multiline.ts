/**
 * Joining stack traces that arrive as one line per record.
 *
 * Lines are joined to the latest event of the same source (same resolved app + host) in the
 * same batch. A line continues that event when it is:
 * - a frame or trailer, whatever came before: `\tat x(...)` / `    at fn (f.js:1:2)`,
 *   `... 12 more`, `Caused by: ...`, `Suppressed: ...`, Ruby `\tfrom /x.rb:12:in 'm'`,
 *   Python `  File "x.py", line 3, in f`;
 * - an indented line, when the event is already a trace (it starts like an exception, or a
 *   frame was joined);
 * - Python: inside `Traceback (most recent call last):` indented lines, then the final
 *   `ValueError: x` line; chained tracebacks ("During handling of the above exception...",
 *   "The above exception was the direct cause...") with their blank lines;
 * - Go: after `panic: ...` / `fatal error: ...`: blank lines, `goroutine N [...]:`,
 *   `[signal ...]`, function lines `pkg.fn(...)`, `created by ...`, indented lines;
 * - an exception header printed by a logger after its record: a bare `Traceback (...)` line,
 *   or a Java class line `com.x.FooException: msg` followed by an `at` frame, when the
 *   previous event is a log record with a header (not plain text or JSON) at warn level or
 *   above (or no level).
 * Bounds: at most MAX_LINES lines and MAX_BYTES bytes per event; past that the line starts a
 * new event (which keeps collecting the rest of the trace). Nothing is joined across batches.
 */
import type { FormatName } from './types';

export const MAX_JOIN_LINES = 500;
export const MAX_JOIN_BYTES = 64 * 1024;

export type Mode = 'none' | 'open' | 'python' | 'python-end' | 'python-chain' | 'go';

const FRAME_AT = /^\s+at \S/;
const MORE = /^\s*\.\.\. \d+ (?:more|common frames omitted)/;
const CAUSED = /^\s*(?:Caused by|Suppressed): /;
const RUBY_FROM = /^\s+from \S+:\d+:in /;
const PY_FILE = /^\s+File "[^"]*", line \d+/;
const TRACEBACK = /^Traceback \(most recent call last\):/;
const PY_CHAIN = /^(?:During handling of the above exception|The above exception was the direct cause)/;
const PY_FINAL = /^[A-Za-z_][\w.]*(?::|$)/;
const JAVA_HEADER = /^(?:[a-zA-Z_$][\w$]*\.)+[\w$]*(?:Exception|Error|Throwable)(?::|$)/;
const EXCEPTION_START = /^(?:Exception in thread |[\w$.]*(?:Exception|Error)(?::|$)|Uncaught |Unhandled )/;
const GO_PANIC = /^(?:panic: |fatal error: )/;
const GO_GOROUTINE = /^goroutine \d+ \[/;

/** Formats whose message may be a continuation line (plain text, or a wrapper's payload). */
export const CONTINUABLE = new Set<FormatName>(['plain', 'kv', 'json', 'syslog3164', 'syslog5424']);
/** Log records with a header: a logger may print an exception right after them. */
const RECORD_FORMATS = new Set<FormatName>([
  'log4j', 'logback', 'spring', 'python', 'go', 'glog', 'rails', 'bracket', 'monolog', 'timestamped',
  'syslog3164', 'syslog5424', 'apache_error', 'nginx_error',
]);

function isIndented(s: string): boolean {
  const c = s.charCodeAt(0);
  if (c !== 32 && c !== 9) return false;
  for (let i = 1; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d !== 32 && d !== 9) return true;
  }
  return false;
}

/** Go function line: `pkg.fn(args)` / `main.(*T).M(...)`: no space before the first '(' and ends with ')'. */
function isGoFunc(s: string): boolean {
  const open = s.indexOf('(');
  if (open <= 0 || s.charCodeAt(s.length - 1) !== 41) return false;
  for (let i = 0; i < open; i++) if (s.charCodeAt(i) === 32) return false;
  return true;
}

/** The mode an event starts in, from its first line's message. */
export function startMode(message: string): Mode {
  if (TRACEBACK.test(message)) return 'python';
  if (GO_PANIC.test(message)) return 'go';
  if (EXCEPTION_START.test(message)) return 'open';
  return 'none';
}

export interface JoinContext {
  mode: Mode;
  /** Format and level of the event being continued. */
  format: FormatName;
  level: string | undefined;
  /** Lines joined so far (0: the event is still a single line). */
  joined: number;
}

/**
 * If `line` continues the event, the event's new mode; otherwise undefined.
 * `next` is the following line's message when it comes from the same source (lookahead).
 */
export function continues(line: string, ev: JoinContext, next: string | undefined): Mode | undefined {
  const mode = ev.mode;
  if (mode === 'go') {
    if (line === '' || isIndented(line) || GO_GOROUTINE.test(line) || line.startsWith('created by ') || line.startsWith('[signal ') || isGoFunc(line)) return 'go';
  } else if (mode === 'python') {
    if (isIndented(line)) return 'python';
    if (PY_FINAL.test(line)) return 'python-end';
  } else if (mode === 'python-end' || mode === 'python-chain') {
    if (PY_CHAIN.test(line)) return 'python-chain';
    if (line === '' && (mode === 'python-chain' || (next !== undefined && PY_CHAIN.test(next)))) return 'python-chain';
    if (mode === 'python-chain' && TRACEBACK.test(line)) return 'python';
  }
  const c = line.charCodeAt(0);
  if (c === 32 || c === 9 || c === 46 || c === 67 || c === 83) {
    // cheap first-character gate before the frame patterns
    if (FRAME_AT.test(line) || MORE.test(line) || CAUSED.test(line) || RUBY_FROM.test(line)) return mode === 'none' ? 'open' : mode;
    if (PY_FILE.test(line)) return mode === 'go' ? 'go' : 'python';
    if (mode !== 'none' && isIndented(line)) return mode;
  }
  if (ev.joined === 0 && RECORD_FORMATS.has(ev.format) && (ev.level === undefined || ev.level === 'warn' || ev.level === 'error' || ev.level === 'fatal')) {
    if (TRACEBACK.test(line)) return 'python';
    if (next !== undefined && JAVA_HEADER.test(line) && FRAME_AT.test(next)) return 'open';
  }
  return undefined;
}
