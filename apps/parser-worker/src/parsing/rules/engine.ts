/**
 * The regex engine for tenant-written patterns (parsing rules and redaction patterns).
 *
 * Preferred: RE2 (the `re2` package, Google RE2 bindings). It matches in time linear in the
 * input, so no pattern can stall the worker however it is written. It does not support
 * look-around or backreferences.
 *
 * Fallback, when the native module cannot be loaded: JavaScript RegExp behind a static check
 * that refuses the shapes behind catastrophic backtracking (a repeated group that itself
 * contains a repetition or an alternation: `(a+)+`, `(\w*\s?)*`, `(a|ab)*`). The callers also
 * cap the input a rule sees and time every rule per batch (see rules.ts): those bound the
 * polynomial cases the static check cannot see (`.*.*.*x`).
 *
 * Both engines accept the same language: look-around and backreferences are refused in both,
 * so a rule never behaves differently on a worker that fell back.
 */

export type EngineName = 're2' | 'js';

export class PatternError extends Error {
  override readonly name = 'PatternError';
}

interface Re2Like {
  lastIndex: number;
  exec(text: string): RegExpExecArray | null;
}
type Re2Constructor = new (source: string, flags?: string) => Re2Like;

let re2: Re2Constructor | undefined;
let re2LoadError: string | undefined;
try {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  re2 = require('re2') as Re2Constructor;
} catch (err) {
  re2LoadError = (err as Error).message;
}

/** Which engine tenant patterns run on in this process, and why. */
export function regexEngineInfo(): { engine: EngineName; reason?: string } {
  return re2 ? { engine: 're2' } : { engine: 'js', reason: `re2 unavailable: ${re2LoadError}` };
}

export const MAX_PATTERN_LENGTH = 4096;

export interface PatternOptions {
  ignoreCase?: boolean;
  /** For scanning all matches (redaction). */
  global?: boolean;
  /** Refuse patterns without a named group (parsing rules need at least one). */
  requireNamedGroup?: boolean;
  /** Force an engine (tests); default RE2 when loaded. */
  engine?: EngineName;
  /**
   * Regions of the source written by Millrace itself (expanded grok library patterns): the
   * nested-quantifier check treats each as one repeated atom instead of looking inside.
   */
  trusted?: Array<[number, number]>;
}

export interface SafeRegex {
  readonly engine: EngineName;
  readonly source: string;
  /** Named group names in order of appearance. */
  readonly groupNames: string[];
  /** Named groups of the first match, or null. */
  exec(text: string): Record<string, string | undefined> | null;
  /** Call back for every non-overlapping match (needs `global`). */
  forEachMatch(text: string, onMatch: (start: number, end: number) => void): void;
}

const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

interface Frame {
  /** The group contains a repetition (a quantifier allowing more than one). */
  repeats: boolean;
  alternation: boolean;
}

/**
 * Walk the pattern once: refuse unsupported syntax, collect named groups, and (for the JS
 * engine) refuse nested repetition. Returns the source rewritten for the chosen engine and
 * the group names.
 */
export function checkPattern(source: string, engine: EngineName, trusted: Array<[number, number]> = []): { source: string; groupNames: string[] } {
  if (source.length === 0) throw new PatternError('pattern is empty');
  if (source.length > MAX_PATTERN_LENGTH) throw new PatternError(`pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  const names: string[] = [];
  const stack: Frame[] = [{ repeats: false, alternation: false }];
  let out = '';
  let i = 0;
  let trustedIdx = 0;
  // what the last atom was, for the quantifier that may follow it
  let lastAtom: Frame | 'simple' | undefined;
  const n = source.length;
  while (i < n) {
    // a trusted region counts as one repeated atom
    if (trustedIdx < trusted.length && trusted[trustedIdx][0] === i) {
      const [from, to] = trusted[trustedIdx++];
      out += source.slice(from, to);
      stack[stack.length - 1].repeats = true;
      lastAtom = { repeats: true, alternation: false };
      i = to;
      continue;
    }
    const c = source[i];
    if (c === '\\') {
      const e = source[i + 1];
      if (e === undefined) throw new PatternError('pattern ends with a lone backslash');
      if (e >= '1' && e <= '9') throw new PatternError('backreferences (\\1) are not supported');
      if (e === 'k' && source[i + 2] === '<') throw new PatternError('named backreferences (\\k<name>) are not supported');
      out += c + e;
      i += 2;
      lastAtom = 'simple';
      continue;
    }
    if (c === '[') {
      // character class: copy through the closing bracket
      let j = i + 1;
      if (source[j] === '^') j++;
      if (source[j] === ']') j++;
      while (j < n && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
      if (j >= n) throw new PatternError('unterminated character class');
      out += source.slice(i, j + 1);
      i = j + 1;
      lastAtom = 'simple';
      continue;
    }
    if (c === '(') {
      if (source[i + 1] === '?') {
        const kind = source.slice(i + 2, i + 4);
        if (kind[0] === '=' || kind[0] === '!' || kind === '<=' || kind === '<!') {
          throw new PatternError('look-around assertions ((?=, (?!, (?<=, (?<!) are not supported');
        }
        let nameStart = -1;
        if (kind[0] === '<') nameStart = i + 3;
        else if (kind === 'P<') nameStart = i + 4;
        if (nameStart > 0) {
          const close = source.indexOf('>', nameStart);
          const name = close < 0 ? '' : source.slice(nameStart, close);
          if (!GROUP_NAME.test(name)) throw new PatternError(`invalid group name "${name}" (letters, digits, _; not starting with a digit)`);
          if (names.includes(name)) throw new PatternError(`group name "${name}" is used twice`);
          names.push(name);
          out += `(?<${name}>`;
          i = close + 1;
        } else if (source[i + 2] === ':') {
          out += '(?:';
          i += 3;
        } else {
          throw new PatternError(`unsupported group syntax "${source.slice(i, i + 4)}"`);
        }
      } else {
        out += '(';
        i++;
      }
      stack.push({ repeats: false, alternation: false });
      lastAtom = undefined;
      continue;
    }
    if (c === ')') {
      if (stack.length === 1) throw new PatternError('unbalanced ")"');
      const frame = stack.pop()!;
      if (frame.repeats) stack[stack.length - 1].repeats = true;
      out += ')';
      i++;
      lastAtom = frame;
      continue;
    }
    if (c === '|') {
      stack[stack.length - 1].alternation = true;
      out += c;
      i++;
      lastAtom = undefined;
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || (c === '{' && /^\{\d+(,\d*)?\}/.test(source.slice(i, i + 16)))) {
      let j = i + 1;
      let repeats = c !== '?';
      if (c === '{') {
        const close = source.indexOf('}', i);
        const body = source.slice(i + 1, close);
        const [min, max] = body.split(',');
        repeats = max === undefined ? Number(min) > 1 : max === '' || Number(max) > 1;
        if (Number(min) > 1000 || (max !== undefined && max !== '' && Number(max) > 1000)) throw new PatternError('repetition counts above 1000 are not supported');
        j = close + 1;
      }
      if (source[j] === '?' || source[j] === '+') j++; // lazy / possessive marker
      if (lastAtom === undefined) throw new PatternError(`quantifier "${c}" has nothing to repeat`);
      if (repeats && engine === 'js' && typeof lastAtom === 'object' && (lastAtom.repeats || lastAtom.alternation)) {
        throw new PatternError(
          lastAtom.repeats
            ? 'nested quantifiers such as (a+)+ can backtrack catastrophically; rewrite without repeating a repeated group'
            : 'a repeated alternation such as (a|ab)* can backtrack catastrophically; rewrite it',
        );
      }
      if (repeats) stack[stack.length - 1].repeats = true;
      out += source.slice(i, j);
      i = j;
      lastAtom = undefined;
      continue;
    }
    out += c;
    i++;
    lastAtom = 'simple';
  }
  if (stack.length !== 1) throw new PatternError('unbalanced "("');
  return { source: out, groupNames: names };
}

export function compilePattern(source: string, options: PatternOptions = {}): SafeRegex {
  const engine: EngineName = options.engine ?? (re2 ? 're2' : 'js');
  if (engine === 're2' && !re2) throw new PatternError(`re2 engine requested but unavailable: ${re2LoadError}`);
  const checked = checkPattern(source, engine, options.trusted);
  if (options.requireNamedGroup && checked.groupNames.length === 0) {
    throw new PatternError('pattern has no named group: use (?<field>...) so a match yields fields');
  }
  const flags = (options.ignoreCase ? 'i' : '') + (options.global ? 'g' : '');
  let re: Re2Like;
  try {
    re = engine === 're2' ? new re2!(checked.source, flags) : new RegExp(checked.source, flags);
  } catch (err) {
    throw new PatternError(`invalid pattern: ${(err as Error).message}`);
  }
  const groupNames = checked.groupNames;
  return {
    engine,
    source: checked.source,
    groupNames,
    exec(text: string) {
      re.lastIndex = 0;
      const m = re.exec(text);
      if (!m) return null;
      return (m.groups ?? {}) as Record<string, string | undefined>;
    },
    forEachMatch(text: string, onMatch: (start: number, end: number) => void) {
      re.lastIndex = 0;
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        const end = m.index + m[0].length;
        if (m[0].length === 0) {
          re.lastIndex = end + 1; // never loop on an empty match
          if (re.lastIndex > text.length) break;
          continue;
        }
        onMatch(m.index, end);
        if (!options.global) break;
      }
    },
  };
}
