import { aliasedFields, aliasQuery } from '@millrace/field-aliases';
import { ProtocolError } from './errors';
import { boundMeta, boundTags, fieldPaths, isObject, jsonLineText, pickString, type Fields } from './fields';
import { ResultBuilder } from './result';
import { bodyText, parseJsonBody } from './text';
import type { DecodeContext, DecodeResult } from './types';

const ATTRIBUTE_ALIASES = aliasQuery({ roles: ['app', 'host', 'level'] });
const TAG_ALIASES = aliasQuery({ labels: true, roles: ['app', 'host'], canonical: false });
/** LogScale's own tag names (`#` marks a tag field in LogScale). */
const APP_TAGS = fieldPaths('#app', '#service');
const HOST_TAGS = fieldPaths('#host');

/** A request is a JSON array of groups; a single group object is accepted too. */
function groups(body: Buffer, shape: string): unknown[] {
  const doc = parseJsonBody(bodyText(body));
  if (Array.isArray(doc)) return doc;
  if (isObject(doc)) return [doc];
  throw new ProtocolError(400, `body: expected ${shape}`);
}

/** LogScale tags (`{"host":"web-1","env":"prod"}`) → RawLine tags `key=value`, app and host. */
function groupTags(group: Fields): { tags?: string[]; app?: string; host?: string } {
  const tags = isObject(group.tags) ? group.tags : undefined;
  if (tags === undefined) return {};
  const list: string[] = [];
  for (const key in tags) {
    const value = tags[key];
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') list.push(`${key}=${value}`);
  }
  const aliases = TAG_ALIASES.resolve(tags);
  return { tags: boundTags(list), app: aliases.app?.value ?? pickString(tags, APP_TAGS)?.value, host: aliases.host?.value ?? pickString(tags, HOST_TAGS)?.value };
}

/**
 * LogScale structured ingest, `POST /api/v1/ingest/humio-structured`:
 * `[{"tags":{...},"events":[{"timestamp","timezone"?,"attributes":{...},"rawstring"?}]}]`.
 * No context is read.
 *
 * Mapping: line = `rawstring`, with `attributes` as meta; without `rawstring` the line is
 * the attributes' JSON text (the parser-worker parses JSON lines) and there is no meta.
 * ts = `timestamp` as given (ISO 8601 or epoch ms; `timezone` is kept in meta when given);
 * app/host/level from the attributes by the field-alias table (`app`, `service.name`, `host`,
 * `hostname`, `level`, `severity`…; the flat names used are not kept in meta), else from the
 * group's tags (also `#app`, `#service`, `#host`);
 * tags → RawLine tags as `key=value`.
 */
export function decodeLogscaleStructured(body: Buffer, _ctx: DecodeContext): DecodeResult {
  const list = groups(body, '[{"tags":{...},"events":[...]}]');
  const out = new ResultBuilder();
  let index = 0;
  for (let g = 0; g < list.length; g++) {
    const group: unknown = list[g];
    if (!isObject(group) || !Array.isArray(group.events)) {
      out.reject(index++, `[${g}]: expected {"tags":{...},"events":[...]}`);
      continue;
    }
    const shared = groupTags(group);
    out.expect(group.events.length);
    for (let e = 0; e < group.events.length; e++) {
      const i = index++;
      const event: unknown = group.events[e];
      if (!isObject(event)) {
        out.reject(i, `[${g}].events[${e}]: expected an object`);
        continue;
      }
      const attrs = isObject(event.attributes) ? event.attributes : undefined;
      const raw = typeof event.rawstring === 'string' ? event.rawstring : undefined;
      if (raw === undefined && attrs === undefined) {
        out.reject(i, `[${g}].events[${e}]: needs "rawstring" or "attributes"`);
        continue;
      }
      const aliases = attrs !== undefined ? ATTRIBUTE_ALIASES.resolve(attrs) : undefined;
      let meta: Fields | undefined = raw !== undefined && attrs !== undefined ? aliasedFields(attrs, aliases!) : undefined;
      if (typeof event.timezone === 'string') meta = { ...meta, timezone: event.timezone };
      const ts = event.timestamp;
      out.add({
        line: raw ?? jsonLineText(attrs),
        ts: typeof ts === 'string' || typeof ts === 'number' ? ts : undefined,
        app: aliases?.app?.value ?? shared.app,
        host: aliases?.host?.value ?? shared.host,
        level: aliases?.level?.value,
        tags: shared.tags,
        meta,
      });
    }
  }
  return out.result();
}

/**
 * LogScale unstructured ingest, `POST /api/v1/ingest/humio-unstructured`:
 * `[{"fields":{...},"tags":{...}?,"type":"parser"?,"messages":["..."]}]`.
 * No context is read. Each message is a line; `fields` become meta (plus `type`, the
 * LogScale parser name, as `parser`); app/host/level from the fields as above, else tags.
 */
export function decodeLogscaleUnstructured(body: Buffer, _ctx: DecodeContext): DecodeResult {
  const list = groups(body, '[{"fields":{...},"messages":[...]}]');
  const out = new ResultBuilder();
  let index = 0;
  for (let g = 0; g < list.length; g++) {
    const group: unknown = list[g];
    if (!isObject(group) || !Array.isArray(group.messages)) {
      out.reject(index++, `[${g}]: expected {"fields":{...},"messages":[...]}`);
      continue;
    }
    const shared = groupTags(group);
    const given = isObject(group.fields) ? group.fields : {};
    const aliases = ATTRIBUTE_ALIASES.resolve(given);
    const fields = aliasedFields(given, aliases);
    // Bounded once per group: the fields are copied onto each of its messages.
    const meta = boundMeta(typeof group.type === 'string' ? { ...fields, parser: group.type } : fields, out).meta;
    const app = aliases.app?.value ?? shared.app;
    const host = aliases.host?.value ?? shared.host;
    const level = aliases.level?.value;
    out.expect(group.messages.length);
    for (let m = 0; m < group.messages.length; m++) {
      const i = index++;
      const message: unknown = group.messages[m];
      if (typeof message !== 'string') {
        out.reject(i, `[${g}].messages[${m}]: expected a string`);
        continue;
      }
      out.add({ line: message, app, host, level, tags: shared.tags, meta });
    }
  }
  return out.result();
}
