import type { Protocol } from '@millrace/log-schema';
import { unsupportedMediaType } from '../protocols/errors';
import { mediaType } from '../protocols/types';

const JSON = ['application/json'];

/**
 * The content types each HTTP protocol takes, as the README's endpoint table says; anything
 * else is a 415 before the body is decoded. A request without a Content-Type is read in the
 * route's own format. Protocols missing here choose their decoder by content type and refuse
 * the rest themselves (NDJSON/plain text, OTLP, Loki). `+json` types count as JSON.
 */
const ACCEPTED: Partial<Record<Protocol, readonly string[]>> = {
  'http-json': JSON,
  logplex: ['application/logplex-1'],
  'es-bulk': [...JSON, 'application/x-ndjson', 'application/vnd.elasticsearch+x-ndjson'],
  // HEC events are JSON; /raw takes text (curl -d sends a form type, as Splunk's own examples do).
  'splunk-hec': [...JSON, 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'],
  gelf: JSON,
  logscale: JSON,
};

/** Throw a 415 (in the protocol's dialect, by the ingestion filter) for a content type the protocol does not take. */
export function checkContentType(protocol: Protocol, headers: Record<string, string | string[] | undefined>): void {
  const accepted = ACCEPTED[protocol];
  if (!accepted) return;
  const type = mediaType({ headers });
  if (type === undefined || accepted.includes(type) || (accepted.includes('application/json') && /^application\/[\w.+-]+\+json$/.test(type))) return;
  throw unsupportedMediaType(type, accepted);
}
