import { ProtocolError, unsupportedMediaType } from './errors';
import { aliasQuery } from '@millrace/field-aliases';
import { boundTags, isObject, jsonLineText } from './fields';
import { ResultBuilder, type LineInput } from './result';
import { bodyText, forEachLine, isBlank, tryParseJson } from './text';
import { mediaType, queryList, queryParam, type DecodeContext, type DecodeResult } from './types';

const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/json'];
const TEXT_TYPES = ['text/plain'];

interface Defaults {
  app?: string;
  host?: string;
  level?: string;
  tags?: string[];
}

function defaults(ctx: DecodeContext): Defaults {
  return {
    app: queryParam(ctx, 'app'),
    host: queryParam(ctx, 'host') ?? queryParam(ctx, 'hostname'),
    level: queryParam(ctx, 'level'),
    tags: boundTags(queryList(ctx, 'tags')),
  };
}

/**
 * `POST /v1/ingest?app=&host=&level=&tags=`: dispatches on the content type to
 * `decodeNdjson` (x-ndjson, ndjson, jsonl, json) or `decodePlainText` (text/plain).
 * Context: `contentType` (or `headers['content-type']`), `query.app|host|level|tags`.
 */
export function decodeV1Ingest(body: Buffer, ctx: DecodeContext): DecodeResult {
  const type = mediaType(ctx);
  if (type !== undefined && NDJSON_TYPES.includes(type)) return decodeNdjson(body, ctx);
  if (type !== undefined && TEXT_TYPES.includes(type)) return decodePlainText(body, ctx);
  throw unsupportedMediaType(type, [...NDJSON_TYPES, ...TEXT_TYPES]);
}

/**
 * One JSON value per line. The JSON text itself is the line (the parser-worker parses JSON
 * lines into fields); only routing fields are lifted, by the field-alias table (`app`,
 * `service.name`, `host`, `hostname`, `level`, `severity`, `@timestamp`, `timestamp`, `ts`…).
 * They win over the query defaults. A whole body that is one JSON array or one (pretty-printed) object is accepted too.
 * A line that is not JSON is rejected; if no line is JSON the request is a 400.
 */
export function decodeNdjson(body: Buffer, ctx: DecodeContext): DecodeResult {
  const text = bodyText(body);
  const base = defaults(ctx);
  const out = new ResultBuilder();

  // One JSON document (array or multi-line object)? A failed parse stops at the end of the
  // first line of real NDJSON, so this costs about one line.
  const first = firstNonBlank(text);
  if (first === '[' || first === '{') {
    const whole = tryParseJson(text);
    if ('value' in whole) {
      if (Array.isArray(whole.value)) {
        out.expect(whole.value.length);
        whole.value.forEach((item: unknown) => out.add(jsonLine(typeof item === 'string' ? item : jsonLineText(item), item, base)));
        return out.result();
      }
      if (isObject(whole.value) && text.trimEnd().indexOf('\n') >= 0) {
        out.add(jsonLine(text.trim(), whole.value, base));
        return out.result();
      }
    }
  }

  let firstError: string | undefined;
  let index = 0;
  forEachLine(text, (line, lineNo) => {
    if (isBlank(line)) return;
    const i = index++;
    const parsed = tryParseJson(line);
    if ('error' in parsed) {
      const reason = `line ${lineNo}: ${parsed.error}`;
      firstError ??= reason;
      out.reject(i, reason);
      return;
    }
    // A JSON string is the line it spells (as in the array form), not its quoted text.
    out.add(jsonLine(typeof parsed.value === 'string' ? parsed.value : line.trim(), parsed.value, base));
  });
  if (out.lines.length === 0 && firstError !== undefined) throw new ProtocolError(400, firstError);
  return out.result();
}

const ROUTING = aliasQuery({ roles: ['app', 'host', 'level', 'timestamp'], canonical: false });

function jsonLine(line: string, value: unknown, base: Defaults): LineInput {
  const input: LineInput = { line, app: base.app, host: base.host, level: base.level, tags: base.tags };
  if (!isObject(value)) return input;
  // Routing only: the line stays the JSON text, which the parser reads with the same table.
  const aliases = ROUTING.resolve(value);
  if (aliases.app !== undefined) input.app = aliases.app.value;
  if (aliases.host !== undefined) input.host = aliases.host.value;
  if (aliases.level !== undefined) input.level = aliases.level.value;
  if (aliases.timestamp !== undefined) input.ts = aliases.timestamp.value;
  return input;
}

/** Each non-blank line (LF or CRLF) is one log line, as is. Query parameters give app/host/level/tags. */
export function decodePlainText(body: Buffer, ctx: DecodeContext): DecodeResult {
  const base = defaults(ctx);
  const out = new ResultBuilder();
  forEachLine(bodyText(body), (line) => {
    if (!isBlank(line)) out.add({ line, app: base.app, host: base.host, level: base.level, tags: base.tags });
  });
  return out.result();
}

function firstNonBlank(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\t' && c !== '\r' && c !== '\n') return c;
  }
  return undefined;
}
