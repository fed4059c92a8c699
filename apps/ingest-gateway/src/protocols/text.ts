import { errorMessage, ProtocolError } from './errors';

/** Body text: invalid UTF-8 becomes U+FFFD (never an error), a leading BOM is dropped. */
export function bodyText(body: Buffer): string {
  const text = body.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Calls `fn` for every line of `text` split on LF, without the LF and a trailing CR.
 * `lineNo` is 1-based. Linear, no regex.
 */
export function forEachLine(text: string, fn: (line: string, lineNo: number) => void): void {
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
    if (end === text.length && start === end) break; // no empty line after a final LF
    fn(text.slice(start, stop), lineNo);
    start = end + 1;
  }
}

/** True when the string has only ASCII white space. */
export function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 11 && c !== 12) return false;
  }
  return true;
}

/** JSON.parse that throws a 400 naming the problem and where. */
export function parseJsonBody(text: string, where = 'body'): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ProtocolError(400, `${where}: invalid JSON: ${errorMessage(err)}`);
  }
}

/** JSON.parse returning the error message instead of throwing. */
export function tryParseJson(text: string): { value: unknown } | { error: string } {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: `invalid JSON: ${errorMessage(err)}` };
  }
}
