/**
 * Grok: `%{NAME}`, `%{NAME:field}` and `%{NAME:field:int|float}` over a built-in pattern
 * library, compiled to one regular expression. Every library pattern is written in the
 * subset RE2 and JavaScript share (no look-around, no possessive or atomic groups), and is
 * unambiguous where it repeats, so it is linear on either engine. Each field capture becomes
 * a generated group name (g0, g1, ...) so field names may contain dots or repeat.
 */

/** The library. Names follow Logstash's; the bodies are our own simplified versions. */
export const GROK_PATTERNS: Readonly<Record<string, string>> = {
  USERNAME: '[a-zA-Z0-9._-]+',
  USER: '%{USERNAME}',
  INT: '[+-]?[0-9]+',
  POSINT: '[1-9][0-9]*',
  NONNEGINT: '[0-9]+',
  BASE10NUM: '[+-]?(?:[0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)',
  NUMBER: '%{BASE10NUM}',
  BASE16NUM: '[+-]?(?:0x)?[0-9A-Fa-f]+',
  WORD: '\\b\\w+\\b',
  NOTSPACE: '\\S+',
  SPACE: '\\s*',
  DATA: '.*?',
  GREEDYDATA: '.*',
  QUOTEDSTRING: '"(?:[^"\\\\]|\\\\.)*"|\'(?:[^\'\\\\]|\\\\.)*\'',
  QS: '%{QUOTEDSTRING}',
  UUID: '[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}',
  MAC: '[A-Fa-f0-9]{2}(?:[:-][A-Fa-f0-9]{2}){5}',
  IPV4: '(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}',
  // simplified: hex groups and colons (with an optional embedded IPv4 tail); the 'ip' field
  // type validates properly
  IPV6: '[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%{IPV4})?',
  IP: '%{IPV6}|%{IPV4}',
  HOSTNAME: '\\b[0-9A-Za-z][0-9A-Za-z-]{0,62}(?:\\.[0-9A-Za-z][0-9A-Za-z-]{0,62})*\\.?\\b',
  HOST: '%{HOSTNAME}',
  IPORHOST: '%{IP}|%{HOSTNAME}',
  HOSTPORT: '%{IPORHOST}:%{POSINT}',
  EMAILLOCALPART: '[a-zA-Z0-9._%+-]+',
  EMAILADDRESS: '%{EMAILLOCALPART}@%{HOSTNAME}',
  UNIXPATH: '(?:/[\\w%!$@:.,+~-]*)+',
  PATH: '%{UNIXPATH}',
  URIPROTO: '[A-Za-z][A-Za-z0-9+.-]*',
  URIHOST: '%{IPORHOST}(?::%{POSINT})?',
  URIPATH: '(?:/[A-Za-z0-9$.+!*\'(){},~:;=@#%&_-]*)+',
  URIPARAM: '\\?[A-Za-z0-9$.+!*\'|(){},~@#%&/=:;_?\\[\\]<>-]*',
  URIPATHPARAM: '%{URIPATH}(?:%{URIPARAM})?',
  URI: '%{URIPROTO}://(?:%{USER}(?::[^@]*)?@)?(?:%{URIHOST})?(?:%{URIPATHPARAM})?',
  MONTH: '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*',
  MONTHNUM: '(?:0?[1-9]|1[0-2])',
  MONTHDAY: '(?:0[1-9]|[12][0-9]|3[01]|[1-9])',
  DAY: '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*',
  YEAR: '[0-9]{2,4}',
  HOUR: '(?:2[0-3]|[01]?[0-9])',
  MINUTE: '[0-5][0-9]',
  SECOND: '(?:[0-5]?[0-9]|60)(?:[.,][0-9]+)?',
  TIME: '%{HOUR}:%{MINUTE}(?::%{SECOND})?',
  ISO8601_TIMEZONE: 'Z|[+-]%{HOUR}(?::?%{MINUTE})?',
  TIMESTAMP_ISO8601: '%{YEAR}-%{MONTHNUM}-%{MONTHDAY}[T ]%{HOUR}:%{MINUTE}(?::%{SECOND})?(?:%{ISO8601_TIMEZONE})?',
  HTTPDATE: '%{MONTHDAY}/%{MONTH}/%{YEAR}:%{TIME} %{INT}',
  SYSLOGTIMESTAMP: '%{MONTH} +%{MONTHDAY} %{TIME}',
  DATESTAMP: '%{YEAR}[/-]%{MONTHNUM}[/-]%{MONTHDAY}[T ]%{TIME}',
  LOGLEVEL: '[Tt]race|TRACE|[Dd]ebug|DEBUG|[Nn]otice|NOTICE|[Ii]nfo(?:rmation)?|INFO(?:RMATION)?|[Ww]arn(?:ing)?|WARN(?:ING)?|[Ee]rr(?:or)?|ERR(?:OR)?|[Cc]rit(?:ical)?|CRIT(?:ICAL)?|[Ff]atal|FATAL|[Ss]evere|SEVERE|[Ee]merg(?:ency)?|EMERG(?:ENCY)?|[Aa]lert|ALERT|[Pp]anic|PANIC',
  HTTPMETHOD: 'GET|HEAD|POST|PUT|DELETE|CONNECT|OPTIONS|TRACE|PATCH',
  COMMONAPACHELOG: '%{IPORHOST:clientip} %{USER:ident} %{USER:auth} \\[%{HTTPDATE:timestamp}\\] "(?:%{WORD:verb} %{NOTSPACE:request}(?: HTTP/%{NUMBER:httpversion})?|%{DATA:rawrequest})" %{NUMBER:response:int} (?:%{NUMBER:bytes:int}|-)',
  COMBINEDAPACHELOG: '%{COMMONAPACHELOG} %{QS:referrer} %{QS:agent}',
};

export type GrokType = 'int' | 'float';

export interface GrokCapture {
  group: string;
  field: string;
  type?: GrokType;
}

export interface ExpandedGrok {
  source: string;
  captures: GrokCapture[];
  /** [start, end) regions of `source` that are library text (see engine.ts `trusted`). */
  trusted: Array<[number, number]>;
}

export class GrokError extends Error {
  override readonly name = 'GrokError';
}

const REFERENCE = /%\{([A-Za-z0-9_]+)(?::([^:}]+))?(?::([A-Za-z]+))?\}/g;
const FIELD = /^(?:[A-Za-z_@][\w.@-]*|(?:\[[\w@-]+\])+)$/;
const MAX_DEPTH = 16;

/** `[a][b]` (Logstash's nested syntax) -> `a.b`. */
function fieldName(raw: string): string {
  return raw.startsWith('[') ? raw.slice(1, -1).split('][').join('.') : raw;
}

/**
 * Expand a grok expression. Top-level `%{NAME}` references are marked trusted; the user's own
 * text between them is not, so the nested-quantifier check still sees `(%{INT} )+`.
 */
export function expandGrok(pattern: string, library: Readonly<Record<string, string>> = GROK_PATTERNS): ExpandedGrok {
  const captures: GrokCapture[] = [];
  const trusted: Array<[number, number]> = [];
  let out = '';
  let last = 0;
  REFERENCE.lastIndex = 0;
  const refs = [...pattern.matchAll(REFERENCE)];
  for (const m of refs) {
    out += pattern.slice(last, m.index);
    last = m.index + m[0].length;
    const [, name, field, type] = m;
    const body = expandLibrary(name, library, captures, [name]);
    if (field !== undefined) {
      out += `(?<${addCapture(captures, field, type)}>`;
      trusted.push([out.length, out.length + body.length]);
      out += body + ')';
    } else {
      const wrapped = `(?:${body})`;
      trusted.push([out.length, out.length + wrapped.length]);
      out += wrapped;
    }
  }
  out += pattern.slice(last);
  if (out.includes('%{')) throw new GrokError(`malformed grok reference near "${out.slice(out.indexOf('%{'), out.indexOf('%{') + 24)}"`);
  return { source: out, captures, trusted };
}

function addCapture(captures: GrokCapture[], rawField: string, type: string | undefined): string {
  if (!FIELD.test(rawField)) throw new GrokError(`invalid field name "${rawField}"`);
  if (type !== undefined && type !== 'int' && type !== 'float') throw new GrokError(`unknown grok type "${type}" (int or float)`);
  const group = `g${captures.length}`;
  captures.push({ group, field: fieldName(rawField), type: type as GrokType | undefined });
  return group;
}

/** Library text for NAME with its own references expanded (composites may capture). */
function expandLibrary(name: string, library: Readonly<Record<string, string>>, captures: GrokCapture[], path: string[]): string {
  const body = library[name];
  if (body === undefined) throw new GrokError(`unknown grok pattern %{${name}}`);
  if (path.length > MAX_DEPTH) throw new GrokError(`grok patterns nest deeper than ${MAX_DEPTH}: ${path.join(' > ')}`);
  return body.replace(REFERENCE_LOCAL, (_all, inner: string, field: string | undefined, type: string | undefined) => {
    if (path.includes(inner)) throw new GrokError(`grok pattern %{${inner}} refers to itself`);
    const expanded = expandLibrary(inner, library, captures, [...path, inner]);
    return field !== undefined ? `(?<${addCapture(captures, field, type)}>${expanded})` : `(?:${expanded})`;
  });
}

// a separate instance: String.replace with a global regex resets lastIndex, but recursion
// inside the callback must not share state with the outer loop
const REFERENCE_LOCAL = new RegExp(REFERENCE.source, 'g');
