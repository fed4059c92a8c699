import { REGISTERED_SD_IDS, type SdParams, type StructuredData } from './message';

const SP = 32;
const QUOTE = 34;
const BACKSLASH = 92;
const OPEN = 91;
const CLOSE = 93;
const EQUALS = 61;

/** SD-NAME characters: printable US-ASCII except `=`, space, `]` and `"` (RFC 5424 §6). */
function isSdNameChar(c: number): boolean {
  return c > 32 && c < 127 && c !== EQUALS && c !== CLOSE && c !== QUOTE;
}

/** An SD-ID as RFC 5424 §7 allows it: `name@<enterprise number>`, or one registered with IANA. */
export function isValidSdId(id: string): boolean {
  const at = id.indexOf('@');
  if (at < 0) return REGISTERED_SD_IDS.includes(id);
  return at > 0 && at < id.length - 1 && id.indexOf('@', at + 1) < 0;
}

export interface SdRead {
  sd: StructuredData;
  /** Index after the last element. */
  end: number;
  /** Every SD-ID has the form RFC 5424 requires (so the text is structured data, not a `[tag]` in a message). */
  validIds: boolean;
}

/**
 * STRUCTURED-DATA at `pos` (a `[`): elements until the first character that is not `[`.
 * PARAM-VALUE escapes `\"`, `\\` and `\]` are undone; any other backslash is kept (§6.3.3).
 * A repeated SD-ID merges into the first; a repeated PARAM-NAME makes an array. `__proto__`
 * parses but is not stored (assigning it would replace the object's prototype).
 */
export function parseStructuredData(text: string, pos: number): SdRead | { error: string } {
  const sd: StructuredData = {};
  let validIds = true;
  const fail = (at: number, what: string): { error: string } => ({ error: `invalid STRUCTURED-DATA at char ${at}: ${what}` });
  while (pos < text.length && text.charCodeAt(pos) === OPEN) {
    pos++;
    const idStart = pos;
    while (pos < text.length && isSdNameChar(text.charCodeAt(pos))) pos++;
    if (pos === idStart) return fail(pos, 'expected an SD-ID');
    const id = text.slice(idStart, pos);
    if (validIds && !isValidSdId(id)) validIds = false;
    const params: SdParams = id === '__proto__' ? {} : Object.prototype.hasOwnProperty.call(sd, id) ? sd[id] : (sd[id] = {});
    for (;;) {
      if (pos >= text.length) return fail(pos, 'unterminated SD-ELEMENT');
      const c = text.charCodeAt(pos);
      if (c === CLOSE) {
        pos++;
        break;
      }
      if (c !== SP) return fail(pos, 'expected a space or ]');
      pos++;
      const nameStart = pos;
      while (pos < text.length && isSdNameChar(text.charCodeAt(pos))) pos++;
      if (pos === nameStart) return fail(pos, 'expected a PARAM-NAME');
      const name = text.slice(nameStart, pos);
      if (text.charCodeAt(pos) !== EQUALS || text.charCodeAt(pos + 1) !== QUOTE) return fail(pos, 'expected ="');
      pos += 2;
      let value = '';
      let chunk = pos;
      for (;;) {
        if (pos >= text.length) return fail(pos, 'unterminated PARAM-VALUE');
        const v = text.charCodeAt(pos);
        if (v === QUOTE) break;
        if (v === BACKSLASH && pos + 1 < text.length) {
          const n = text.charCodeAt(pos + 1);
          if (n === QUOTE || n === BACKSLASH || n === CLOSE) {
            value += text.slice(chunk, pos);
            chunk = pos + 1; // keep the escaped character, drop the backslash
            pos += 2;
            continue;
          }
        }
        pos++;
      }
      value += text.slice(chunk, pos);
      pos++; // the closing quote
      if (name === '__proto__') continue;
      const prev = Object.prototype.hasOwnProperty.call(params, name) ? params[name] : undefined;
      params[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return { sd, end: pos, validIds };
}

/** A PARAM-VALUE with `"`, `\` and `]` escaped. */
export function escapeParamValue(value: string): string {
  let out: string | undefined;
  let chunk = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === QUOTE || c === BACKSLASH || c === CLOSE) {
      out = `${out ?? ''}${value.slice(chunk, i)}\\`;
      chunk = i;
    }
  }
  return out === undefined ? value : out + value.slice(chunk);
}

/** An SD-NAME from any text: characters RFC 5424 forbids become `_`, at most 32 of them. */
export function sdName(name: string): string {
  let out = '';
  for (let i = 0; i < name.length && out.length < 32; i++) out += isSdNameChar(name.charCodeAt(i)) ? name[i] : '_';
  return out || '_';
}

/** STRUCTURED-DATA text for `sd` (NILVALUE `-` when there is none). */
export function formatStructuredData(sd: StructuredData | undefined): string {
  if (sd === undefined) return '-';
  let out = '';
  for (const id of Object.keys(sd)) {
    out += `[${sdName(id)}`;
    const params = sd[id];
    for (const name of Object.keys(params)) {
      const value = params[name];
      const key = sdName(name);
      if (Array.isArray(value)) for (const v of value) out += ` ${key}="${escapeParamValue(v)}"`;
      else out += ` ${key}="${escapeParamValue(value)}"`;
    }
    out += ']';
  }
  return out || '-';
}
