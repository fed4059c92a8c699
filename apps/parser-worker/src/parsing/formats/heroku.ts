/**
 * Heroku router lines, a logfmt dialect:
 *   at=info method=GET path="/" host=app.herokuapp.com request_id=... fwd="1.2.3.4"
 *   dyno=web.1 connect=1ms service=20ms status=200 bytes=123 protocol=https
 *   at=error code=H12 desc="Request timeout" ... status=503
 * connect/service become numeric `connect_ms`/`service_ms`; `host` (the HTTP Host header, not
 * a machine) becomes `http_host`; level comes from `at` (error when at=error or a code is set).
 */
import type { Parsed } from '../types';
import { setOwn } from '../util';

// Prototype-free: user text such as `constructor` or `__proto__` must miss, not hit Object.prototype.
const AT_LEVELS: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, { info: 'info', warning: 'warn', error: 'error' });

/** Turn an already-parsed logfmt line into a Heroku router event when it is one. */
export function refineHeroku(parsed: Parsed): Parsed {
  const f = parsed.fields;
  const at = f.at;
  if (typeof at !== 'string' || !(at in AT_LEVELS) || f.dyno === undefined || (f.method === undefined && f.code === undefined)) {
    return parsed;
  }
  parsed.format = 'heroku';
  parsed.level = typeof f.code === 'string' && at === 'error' ? 'error' : AT_LEVELS[at];
  delete f.at;
  for (const key of ['connect', 'service']) {
    const v = f[key];
    if (typeof v === 'string' && v.endsWith('ms')) {
      const n = Number(v.slice(0, -2));
      if (Number.isFinite(n)) {
        delete f[key];
        f[`${key}_ms`] = n;
      }
    }
  }
  // service= is the router's service time, not an app name.
  if (parsed.keys?.app === 'service') {
    parsed.keys.app = undefined;
    parsed.app = undefined;
  }
  // logfmt's generic pass took host= as the event host; for the router it is the HTTP Host.
  if (parsed.keys?.host === 'host') {
    parsed.keys.host = undefined;
    parsed.host = undefined;
    const host = f.host;
    delete f.host;
    setOwn(f, 'http_host', host);
  }
  return parsed;
}
