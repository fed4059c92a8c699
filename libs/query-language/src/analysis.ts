/**
 * The in-memory twin of OpenSearch's `standard` analyzer (Lucene StandardTokenizer, which
 * implements Unicode UAX #29 word boundaries, then LowerCaseFilter; no stop words), and of
 * Lucene's wildcard matching. Word_Break classes come from the Unicode properties JavaScript
 * regexes expose, with Lucene's own token rules for emoji, Hebrew and Southeast Asian text.
 * Fuzzed against Lucene 9.12's StandardAnalyzer (the one in OpenSearch 2.x): identical on
 * hundreds of thousands of random ASCII and mixed-script strings.
 */

/** Lucene's StandardAnalyzer.DEFAULT_MAX_TOKEN_LENGTH: longer tokens are split. */
export const MAX_TOKEN_LENGTH = 255;

// Word_Break classes (UAX #29 table 3), plus Lucene's single-character and run tokens.
const OTHER = 0;
const ALETTER = 1;
const NUMERIC = 2;
const KATAKANA = 3;
const EXTEND_NUM_LET = 4; // '_'
const MID_LETTER = 5; // ':' joins letters only
const MID_NUM_LET = 6; // '.' joins letters, and digits
const MID_NUM = 7; // ',' and ';' join digits only
const IDEOGRAPH = 8; // Han and Hiragana: one token per character
const SOUTHEAST_ASIAN = 9; // Thai, Lao, Myanmar, Khmer...: Lucene emits whole runs
const EMOJI = 10; // Extended_Pictographic: Lucene emits each (with its ZWJ sequence)
const REGIONAL_INDICATOR = 11; // pairs make a flag
const EXTEND = 12; // Extend and Format: attach to the previous character (WB4)
const ZWJ = 13;
const HEBREW_LETTER = 14; // a letter, plus WB7a-c around quotes
const SINGLE_QUOTE = 15; // "'": like '.', and also ends a Hebrew word (WB7a)
const DOUBLE_QUOTE = 16; // '"': only between Hebrew letters (WB7b, c)

const ASCII_CLASSES = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  ASCII_CLASSES[c] = /[A-Za-z]/.test(ch) ? ALETTER
    : /[0-9]/.test(ch) ? NUMERIC
      : ch === '_' ? EXTEND_NUM_LET
        : ch === ':' ? MID_LETTER
          : ch === '.' ? MID_NUM_LET
            : ch === "'" ? SINGLE_QUOTE
              : ch === '"' ? DOUBLE_QUOTE
                : ch === ',' || ch === ';' ? MID_NUM
                  : OTHER;
}

const MID_LETTERS = new Set([0xb7, 0x387, 0x55f, 0x5f4, 0x2027, 0xfe13, 0xfe55, 0xff1a]);
const MID_NUM_LETS = new Set([0x2018, 0x2019, 0x2024, 0xfe52, 0xff07, 0xff0e]);
const MID_NUMS = new Set([0x37e, 0x589, 0x60c, 0x60d, 0x66c, 0x7f8, 0x2044, 0xfe10, 0xfe14, 0xfe50, 0xfe54, 0xff0c, 0xff1b]);
const EXTEND_NUM_LETS = new Set([0x202f, 0x203f, 0x2040, 0x2054, 0xfe33, 0xfe34, 0xfe4d, 0xfe4e, 0xfe4f, 0xff3f]);
const KATAKANA_EXTRAS = new Set([0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x309b, 0x309c, 0x30a0, 0x30fc, 0xff70]);

const RE_EXTEND = /^[\p{Grapheme_Extend}\p{Mc}\p{Emoji_Modifier}]$/u;
const RE_FORMAT = /^\p{Cf}$/u;
const RE_PICTOGRAPHIC = /^\p{Extended_Pictographic}$/u;
const RE_IDEOGRAPH = /^[\p{Script=Han}\p{Script=Hiragana}]$/u;
const RE_KATAKANA = /^\p{Script=Katakana}$/u;
const RE_SOUTHEAST_ASIAN = /^[\p{Script=Thai}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Khmer}\p{Script=Tai_Le}\p{Script=New_Tai_Lue}\p{Script=Tai_Tham}\p{Script=Tai_Viet}]$/u;
const RE_NUMERIC = /^\p{Nd}$/u;
const RE_LETTER = /^\p{Alphabetic}$/u;
const RE_HEBREW_LETTER = /^(?=\p{L})\p{Script=Hebrew}$/u;

const classCache = new Map<number, number>();

function classifyNonAscii(cp: number): number {
  let cls = classCache.get(cp);
  if (cls !== undefined) return cls;
  const ch = String.fromCodePoint(cp);
  if (cp === 0x200d) cls = ZWJ;
  else if (MID_LETTERS.has(cp)) cls = MID_LETTER;
  else if (MID_NUM_LETS.has(cp)) cls = MID_NUM_LET;
  else if (MID_NUMS.has(cp)) cls = MID_NUM;
  else if (EXTEND_NUM_LETS.has(cp)) cls = EXTEND_NUM_LET;
  // Format excludes the zero-width space (a word separator).
  else if (RE_EXTEND.test(ch) || (RE_FORMAT.test(ch) && cp !== 0x200b)) cls = EXTEND;
  else if (cp >= 0x1f1e6 && cp <= 0x1f1ff) cls = REGIONAL_INDICATOR;
  else if (RE_PICTOGRAPHIC.test(ch)) cls = EMOJI;
  else if (RE_IDEOGRAPH.test(ch)) cls = IDEOGRAPH;
  else if (RE_KATAKANA.test(ch) || KATAKANA_EXTRAS.has(cp)) cls = KATAKANA;
  else if (RE_NUMERIC.test(ch)) cls = NUMERIC;
  else if (RE_SOUTHEAST_ASIAN.test(ch)) cls = SOUTHEAST_ASIAN;
  else if (RE_HEBREW_LETTER.test(ch)) cls = HEBREW_LETTER;
  else if (RE_LETTER.test(ch)) cls = ALETTER;
  else cls = OTHER;
  if (classCache.size < 65_536) classCache.set(cp, cls);
  return cls;
}

/**
 * Lower-case like Lucene's LowerCaseFilter (per code point, simple case mapping), which
 * differs from String#toLowerCase only for U+0130 and the final sigma.
 */
export function lowerCase(text: string): string {
  const lower = text.toLowerCase();
  if (lower.length === text.length && !lower.includes('\u03c2')) return lower;
  let out = '';
  for (const ch of text) out += ch === '\u0130' ? 'i' : ch.toLowerCase();
  return out;
}

/** The tokens the standard analyzer indexes for `text`, in order. */
export function analyze(text: string): string[] {
  const out: string[] = [];
  const lower = lowerCase(text);
  segment(lower, 0, lower.length, out);
  return out;
}

/**
 * Tokens of an already lower-cased text. Every token is a substring of `lowered`, which lets
 * the matcher reject messages with a cheap `includes` before tokenising them.
 */
export function analyzeLowerCased(lowered: string): string[] {
  const out: string[] = [];
  segment(lowered, 0, lowered.length, out);
  return out;
}

/** Per-character scratch space, reused across calls (the tokenizer is synchronous). */
class Units {
  start = new Int32Array(256);
  end = new Int32Array(256);
  cls = new Uint8Array(256);
  /**
   * 1: an emoji that ended at its presentation selector takes no more Extend characters;
   * KEYCAP: a keycap takes more, except a presentation selector.
   */
  closed = new Uint8Array(256);

  ensure(size: number): void {
    if (size <= this.start.length) return;
    const grow = <T extends Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(Math.max(size, a.length * 2));
      b.set(a);
      return b;
    };
    this.start = grow(this.start, (n) => new Int32Array(n));
    this.end = grow(this.end, (n) => new Int32Array(n));
    this.cls = grow(this.cls, (n) => new Uint8Array(n));
    this.closed = grow(this.closed, (n) => new Uint8Array(n));
  }
}

const KEYCAP = 2;
const shared = new Units();
let sharedBusy = false;

/** AHLetter in UAX #29. */
function isLetter(cls: number): boolean {
  return cls === ALETTER || cls === HEBREW_LETTER;
}

function isWordChar(cls: number): boolean {
  return isLetter(cls) || cls === NUMERIC || cls === KATAKANA || cls === IDEOGRAPH || cls === SOUTHEAST_ASIAN;
}

function joinsExtendNumLet(cls: number): boolean {
  return isLetter(cls) || cls === NUMERIC || cls === KATAKANA || cls === EXTEND_NUM_LET;
}

/** MidLetter or MidNumLetQ: joins two letters (WB6, WB7). */
function isLetterJoiner(cls: number): boolean {
  return cls === MID_LETTER || cls === MID_NUM_LET || cls === SINGLE_QUOTE;
}

/** MidNumLetQ in UAX #29. */
function isMidNumLet(cls: number): boolean {
  return cls === MID_NUM_LET || cls === SINGLE_QUOTE;
}

function segment(text: string, from: number, to: number, out: string[]): void {
  // A token longer than MAX_TOKEN_LENGTH is rescanned from its cut; that nested call gets
  // its own scratch space.
  const units = sharedBusy ? new Units() : shared;
  const ownsShared = units === shared;
  if (ownsShared) sharedBusy = true;
  try {
    units.ensure(to - from);
    const n = collectUnits(text, from, to, units);
    emitSegments(text, units, n);
  } finally {
    if (ownsShared) sharedBusy = false;
  }

  function emitSegments(text: string, units: Units, n: number): void {
    let first = 0;
    let regionalRun = 0;
    for (let k = 0; k < n; k++) {
      regionalRun = units.cls[k] === REGIONAL_INDICATOR ? regionalRun + 1 : 0;
      if (k + 1 < n && !breaksAfter(units.cls, k, n, regionalRun)) continue;
      emit(text, units, first, k, out);
      first = k + 1;
      regionalRun = 0;
    }
  }
}

/**
 * Phase 1: one unit per character, with Extend/Format/ZWJ folded into the one before (WB4).
 * Emoji ZWJ sequences (WB3c) become one unit here, the way Lucene tokenises them: a ZWJ
 * before an emoji joins it to the emoji before, stays with a word before, or else starts
 * the emoji's token.
 */
function collectUnits(text: string, from: number, to: number, units: Units): number {
  const { start, end, cls, closed } = units;
  let n = 0;
  let i = from;
  while (i < to) {
    let cp = text.charCodeAt(i);
    let len = 1;
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < to) {
      const low = text.charCodeAt(i + 1);
      if ((low & 0xfc00) === 0xdc00) {
        cp = ((cp - 0xd800) << 10) + (low - 0xdc00) + 0x10000;
        len = 2;
      }
    }
    const c = cp < 128 ? ASCII_CLASSES[cp] : classifyNonAscii(cp);
    const afterJoiner = n > 0 && i > from && text.charCodeAt(i - 1) === 0x200d;
    if (c === EMOJI && afterJoiner) {
      const u = n - 1;
      let joinerStart = i - 1;
      while (joinerStart > start[u] && text.charCodeAt(joinerStart - 1) === 0x200d) joinerStart--;
      if (start[u] === joinerStart && u > 0 && cls[u - 1] === EMOJI && end[u - 1] === joinerStart) {
        n--; // ZWJs after a closed emoji: the sequence goes on
        end[u - 1] = i + len;
        closed[u - 1] = 0;
      } else if (cls[u] === EMOJI || start[u] === joinerStart) {
        cls[u] = EMOJI;
        end[u] = i + len;
        closed[u] = 0;
      } else if (isWordChar(cls[u]) || (cls[u] === EXTEND_NUM_LET && u > 0 && joinsExtendNumLet(cls[u - 1]))
        || (cls[u] === REGIONAL_INDICATOR && u > 0 && cls[u - 1] === REGIONAL_INDICATOR)) {
        start[n] = i; // a word keeps its trailing ZWJ
        end[n] = i + len;
        cls[n] = EMOJI;
        closed[n++] = 0;
      } else {
        end[u] = joinerStart; // the ZWJs leave the punctuation they were folded into
        start[n] = joinerStart;
        end[n] = i + len;
        cls[n] = EMOJI;
        closed[n++] = 0;
      }
    } else if ((c === EXTEND || c === ZWJ) && n > 0 && (closed[n - 1] === 0 || (closed[n - 1] === KEYCAP && cp !== 0xfe0f))) {
      end[n - 1] = i + len;
      // Lucene ends an emoji at its presentation selector (U+FE0F) unless a ZWJ sequence goes on.
      if (cp === 0xfe0f && cls[n - 1] === EMOJI) closed[n - 1] = 1;
      // A keycap: '#' or '*' with U+20E3 is an emoji (digits are numbers already).
      if (cp === 0x20e3 && cls[n - 1] === OTHER && (text[start[n - 1]] === '#' || text[start[n - 1]] === '*')) {
        cls[n - 1] = EMOJI;
        closed[n - 1] = KEYCAP;
      }
    } else {
      start[n] = i;
      end[n] = i + len;
      cls[n] = c === EXTEND || c === ZWJ ? OTHER : c;
      closed[n++] = 0;
    }
    i += len;
  }
  return n;
}

/**
 * WB7a: a Hebrew letter at `k` keeps the apostrophe after it, except (in Lucene) when the
 * letter was itself joined to the word by punctuation.
 */
function hebrewQuoteJoins(cls: Uint8Array, k: number): boolean {
  if (k < 0 || cls[k] !== HEBREW_LETTER) return false;
  if (k < 2) return true;
  const joiner = cls[k - 1];
  const before = cls[k - 2];
  return !((isLetterJoiner(joiner) && isLetter(before)) || (joiner === DOUBLE_QUOTE && before === HEBREW_LETTER));
}

/** Phase 2: the UAX #29 rules decide where words end. */
function breaksAfter(cls: Uint8Array, k: number, n: number, regionalRun: number): boolean {
  const a = cls[k];
  const b = cls[k + 1];
  if (isLetter(a)) {
    if (isLetter(b) || b === NUMERIC || b === EXTEND_NUM_LET) return false; // WB5, WB9, WB13a
    if ((b === MID_LETTER || isMidNumLet(b)) && k + 2 < n && isLetter(cls[k + 2])) return false; // WB6
    if (b === SINGLE_QUOTE && hebrewQuoteJoins(cls, k)) return false; // WB7a
    if (a === HEBREW_LETTER && b === DOUBLE_QUOTE && k + 2 < n && cls[k + 2] === HEBREW_LETTER) return false; // WB7b
    return true;
  }
  if (a === NUMERIC) {
    if (b === NUMERIC || isLetter(b) || b === EXTEND_NUM_LET) return false; // WB8, WB10, WB13a
    if ((b === MID_NUM || isMidNumLet(b)) && k + 2 < n && cls[k + 2] === NUMERIC) return false; // WB12
    return true;
  }
  if (a === MID_LETTER || isMidNumLet(a) || a === MID_NUM || a === DOUBLE_QUOTE) {
    const before = k > 0 ? cls[k - 1] : OTHER;
    // After WB7a a Hebrew word goes on as if the quote were a letter.
    if (a === SINGLE_QUOTE && hebrewQuoteJoins(cls, k - 1) && (isLetter(b) || b === NUMERIC || b === EXTEND_NUM_LET)) return false;
    if (a === DOUBLE_QUOTE) return !(before === HEBREW_LETTER && b === HEBREW_LETTER); // WB7c
    if (a !== MID_NUM && isLetter(before) && isLetter(b)) return false; // WB7
    if (a !== MID_LETTER && before === NUMERIC && b === NUMERIC) return false; // WB11
    return true;
  }
  if (a === KATAKANA) return !(b === KATAKANA || b === EXTEND_NUM_LET); // WB13, WB13a
  if (a === EXTEND_NUM_LET) return !(b === EXTEND_NUM_LET || isLetter(b) || b === NUMERIC || b === KATAKANA); // WB13a, b
  if (a === SOUTHEAST_ASIAN) return b !== SOUTHEAST_ASIAN;
  if (a === REGIONAL_INDICATOR) return !(b === REGIONAL_INDICATOR && regionalRun % 2 === 1); // WB15, WB16
  return true;
}

function emit(text: string, units: Units, first: number, last: number, out: string[]): void {
  let content = false;
  for (let k = first; k <= last && !content; k++) {
    const c = units.cls[k];
    content = c === ALETTER || c === HEBREW_LETTER || c === NUMERIC || c === KATAKANA || c === IDEOGRAPH || c === SOUTHEAST_ASIAN
      || c === EMOJI || (c === REGIONAL_INDICATOR && k < last);
  }
  if (!content) return;
  const from = units.start[first];
  const to = units.end[last];
  if (to - from <= MAX_TOKEN_LENGTH) {
    out.push(text.slice(from, to));
    return;
  }
  // Lucene's scanner sees at most MAX_TOKEN_LENGTH characters: it takes the word those
  // make on their own, then scans on after it.
  const cut = firstSegmentEnd(text, from, from + MAX_TOKEN_LENGTH);
  segment(text, from, cut, out);
  segment(text, cut, to, out);
}

function firstSegmentEnd(text: string, from: number, to: number): number {
  const units = new Units();
  units.ensure(to - from);
  const n = collectUnits(text, from, to, units);
  let regionalRun = 0;
  for (let k = 0; k + 1 < n; k++) {
    regionalRun = units.cls[k] === REGIONAL_INDICATOR ? regionalRun + 1 : 0;
    if (breaksAfter(units.cls, k, n, regionalRun)) return units.end[k];
  }
  return to;
}

// --- Wildcards -------------------------------------------------------------------------------

const STAR = 0;
const ANY_ONE = 1;
type GlobPart = string | typeof STAR | typeof ANY_ONE;

/** Split an OpenSearch wildcard pattern into literals, `*` and `?` (`\` escapes). */
export function parseWildcard(pattern: string): GlobPart[] {
  const parts: GlobPart[] = [];
  let literal = '';
  const flush = (): void => {
    if (literal !== '') parts.push(literal);
    literal = '';
  };
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && i + 1 < pattern.length) {
      literal += pattern[++i];
    } else if (ch === '*') {
      flush();
      if (parts[parts.length - 1] !== STAR) parts.push(STAR);
    } else if (ch === '?') {
      flush();
      parts.push(ANY_ONE);
    } else {
      literal += ch;
    }
  }
  flush();
  return parts;
}

/** The longest literal a match must contain: a cheap pre-filter. */
export function longestLiteral(pattern: string): string {
  let best = '';
  for (const part of parseWildcard(pattern)) if (typeof part === 'string' && part.length > best.length) best = part;
  return best;
}

/**
 * Compile a wildcard pattern once into a predicate. Common shapes use startsWith/endsWith/
 * includes; the general case is the linear-space star-backtracking match, O(n·m) at worst,
 * never a regular expression (a tenant's pattern must not be able to backtrack
 * exponentially on the live-tail path). `?` is one code point, like Lucene's automaton.
 */
export function compileWildcard(pattern: string): (value: string) => boolean {
  const parts = parseWildcard(pattern);
  const [p0, p1, p2] = parts;
  if (parts.length === 0) return (value) => value === '';
  if (parts.length === 1) {
    if (p0 === STAR) return () => true;
    if (typeof p0 === 'string') return (value) => value === p0;
  }
  if (parts.length === 2 && typeof p0 === 'string' && p1 === STAR) return (value) => value.startsWith(p0);
  if (parts.length === 2 && p0 === STAR && typeof p1 === 'string') return (value) => value.endsWith(p1);
  if (parts.length === 3 && p0 === STAR && typeof p1 === 'string' && p2 === STAR) return (value) => value.includes(p1);
  if (parts.length === 3 && typeof p0 === 'string' && p1 === STAR && typeof p2 === 'string') {
    const min = p0.length + p2.length;
    return (value) => value.length >= min && value.startsWith(p0) && value.endsWith(p2);
  }
  return (value) => matchParts(parts, value);
}

function codePointLength(value: string, i: number): number {
  const c = value.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00 ? 2 : 1;
}

function matchParts(parts: GlobPart[], value: string): boolean {
  const endsWithStar = parts[parts.length - 1] === STAR;
  let p = 0;
  let i = 0;
  let starPart = -1;
  let starFrom = 0;
  for (;;) {
    if (p === parts.length) {
      if (i === value.length || endsWithStar) return true;
    } else {
      const part = parts[p];
      if (part === STAR) {
        starPart = p++;
        starFrom = i;
        continue;
      }
      if (part === ANY_ONE) {
        if (i < value.length) {
          i += codePointLength(value, i);
          p++;
          continue;
        }
      } else if (value.startsWith(part, i)) {
        i += part.length;
        p++;
        continue;
      }
    }
    // Mismatch: let the last star swallow one more code point and retry from there.
    if (starPart < 0 || starFrom >= value.length) return false;
    starFrom += codePointLength(value, starFrom);
    i = starFrom;
    p = starPart + 1;
  }
}
