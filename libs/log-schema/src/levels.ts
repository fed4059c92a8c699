export const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export type Level = (typeof LEVELS)[number];

const SYNONYM_TABLE: Record<string, Level> = {
  trace: 'trace', trc: 'trace', verbose: 'trace', finest: 'trace', finer: 'trace',
  debug: 'debug', dbg: 'debug', fine: 'debug', d: 'debug',
  info: 'info', information: 'info', informational: 'info', inf: 'info', notice: 'info', i: 'info', log: 'info',
  warn: 'warn', warning: 'warn', wrn: 'warn', w: 'warn',
  error: 'error', err: 'error', eror: 'error', severe: 'error', e: 'error',
  fatal: 'fatal', crit: 'fatal', critical: 'fatal', alert: 'fatal', emerg: 'fatal', emergency: 'fatal',
  panic: 'fatal', f: 'fatal',
};

/** A Map, not an object: level words like `__proto__` or `constructor` must not reach the prototype. */
const SYNONYMS = new Map<string, Level>(Object.entries(SYNONYM_TABLE));

/** Syslog severities 0..7 (RFC 5424 table 2) mapped onto our levels. */
const SYSLOG_SEVERITY: Level[] = ['fatal', 'fatal', 'fatal', 'error', 'warn', 'info', 'info', 'debug'];

/**
 * Normalise a level given as a word, a syslog severity number, or a Bunyan/pino number
 * (10..60). Unknown words are kept as given (lower-cased, bounded); nothing becomes an error.
 */
export function normaliseLevel(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value >= 0 && value <= 7) return SYSLOG_SEVERITY[value];
    if (value >= 10 && value <= 60) return LEVELS[Math.min(5, Math.floor(value / 10) - 1)];
    return undefined;
  }
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  if (word === '') return undefined;
  if (/^\d+$/.test(word)) return normaliseLevel(Number(word));
  return SYNONYMS.get(word) ?? word.slice(0, 32);
}

export function syslogSeverityLevel(severity: number): Level {
  return SYSLOG_SEVERITY[severity] ?? 'info';
}
