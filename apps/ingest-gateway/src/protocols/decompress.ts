import * as zlib from 'node:zlib';
import { errorMessage, ProtocolError } from './errors';

const KNOWN_CODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'br']);

/**
 * Undo `Content-Encoding` (gzip, x-gzip, deflate, br, identity; a comma list is undone last
 * first). gzip and zlib are recognised by their magic bytes whatever the header says, as
 * Graylog does (pygelf sends zlib labelled `gzip,deflate`; some clients send gzip labelled
 * `deflate`): a labelled layer without either magic is raw deflate, a later label on data that
 * is no longer compressed is ignored, and an unlabelled body that starts with gzip's or zlib's
 * magic is inflated too (a zlib look-alike that does not inflate is taken as it is).
 * `maxOutputLength` makes zlib stop at `maxBytes`, so a zip bomb costs at most that much memory
 * and is refused with 413; a corrupt stream is a 400; an unknown coding a 415. Synchronous on
 * purpose: the caller bounds the body size, and decoders are synchronous.
 */
export function decompressBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  for (const coding of codings) {
    if (!KNOWN_CODINGS.has(coding)) throw new ProtocolError(415, `unsupported content encoding "${coding.slice(0, 40)}": expected gzip, deflate, br or identity`);
  }
  let data = body;
  if (codings.length === 0) {
    if (looksLikeGzip(data)) data = inflateOne(data, 'gzip', maxBytes);
    else if (looksLikeZlib(data)) {
      try {
        data = zlib.inflateSync(data, { maxOutputLength: maxBytes });
      } catch (err) {
        if (isOutputTooLarge(err)) throw tooLarge(maxBytes);
        // Text that happens to start like a zlib header ("x^…"): not compressed.
      }
    }
  }
  let undone = 0;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i];
    if (coding === 'br') {
      data = inflateOne(data, 'br', maxBytes);
    } else if (looksLikeGzip(data)) {
      data = inflateOne(data, 'gzip', maxBytes);
    } else if (looksLikeZlib(data)) {
      data = inflateOne(data, 'zlib', maxBytes);
    } else if (undone === 0) {
      data = inflateOne(data, 'raw', maxBytes, coding);
    } else {
      continue; // already inflated: the rest of the label was wrong
    }
    undone++;
  }
  if (data.length > maxBytes) throw tooLarge(maxBytes);
  return data;
}

function inflateOne(data: Buffer, format: 'gzip' | 'zlib' | 'raw' | 'br', maxBytes: number, label: string = format === 'raw' ? 'deflate' : format): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (format) {
      case 'gzip': return zlib.gunzipSync(data, options);
      case 'zlib': return zlib.inflateSync(data, options);
      case 'raw': return zlib.inflateRawSync(data, options);
      case 'br': return zlib.brotliDecompressSync(data, options);
    }
  } catch (err) {
    if (isOutputTooLarge(err)) throw tooLarge(maxBytes);
    throw new ProtocolError(400, `invalid ${label} body: ${errorMessage(err)}`);
  }
}

/**
 * Inflate a payload whose compression is known only by its magic bytes (GELF's gzip or zlib
 * datagrams); anything else is returned as it is. `what` names it in errors.
 */
export function inflateByMagic(data: Buffer, maxBytes: number, what: string): Buffer {
  const gzip = looksLikeGzip(data);
  if (!gzip && !looksLikeZlib(data)) return data;
  try {
    return gzip ? zlib.gunzipSync(data, { maxOutputLength: maxBytes }) : zlib.inflateSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if (isOutputTooLarge(err)) throw new ProtocolError(413, `${what} inflates beyond ${maxBytes} bytes`);
    throw new ProtocolError(400, `invalid ${gzip ? 'gzip' : 'zlib'} ${what}: ${errorMessage(err)}`);
  }
}

/** zlib stopped at `maxOutputLength` (checked by code: errors may come from another realm). */
export function isOutputTooLarge(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE';
}

/** RFC 1950 header: CM = 8 and the 16-bit header is a multiple of 31. */
export function looksLikeZlib(data: Buffer): boolean {
  return data.length >= 2 && (data[0] & 0x0f) === 8 && (data[0] >> 4) <= 7 && ((data[0] << 8) | data[1]) % 31 === 0;
}

export function looksLikeGzip(data: Buffer): boolean {
  return data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b;
}

function tooLarge(maxBytes: number): ProtocolError {
  return new ProtocolError(413, `decompressed body exceeds ${maxBytes} bytes`);
}
