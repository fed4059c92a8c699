import * as zlib from 'node:zlib';
import { errorMessage, ProtocolError } from './errors';

/**
 * Undo `Content-Encoding` (gzip, x-gzip, deflate, br, identity; a comma list is undone last
 * first). `maxOutputLength` makes zlib stop at `maxBytes`, so a zip bomb costs at most that
 * much memory and is refused with 413; a corrupt stream is a 400; an unknown coding a 415.
 * Synchronous on purpose: the caller bounds the body size, and decoders are synchronous.
 */
export function decompressBody(body: Buffer, contentEncoding: string | undefined, maxBytes: number): Buffer {
  const codings = (contentEncoding ?? '').split(',').map((c) => c.trim().toLowerCase()).filter((c) => c !== '' && c !== 'identity');
  let data = body;
  for (let i = codings.length - 1; i >= 0; i--) data = decodeOne(data, codings[i], maxBytes);
  if (data.length > maxBytes) throw tooLarge(maxBytes);
  return data;
}

function decodeOne(data: Buffer, coding: string, maxBytes: number): Buffer {
  const options = { maxOutputLength: maxBytes };
  try {
    switch (coding) {
      case 'gzip':
      case 'x-gzip':
        return zlib.gunzipSync(data, options);
      case 'deflate':
        // RFC 9110 says zlib-wrapped, but some clients send raw deflate: look at the header.
        return looksLikeZlib(data) ? zlib.inflateSync(data, options) : zlib.inflateRawSync(data, options);
      case 'br':
        return zlib.brotliDecompressSync(data, options);
      default:
        throw new ProtocolError(415, `unsupported content encoding "${coding.slice(0, 40)}": expected gzip, deflate, br or identity`);
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    if (isOutputTooLarge(err)) throw tooLarge(maxBytes);
    throw new ProtocolError(400, `invalid ${coding} body: ${errorMessage(err)}`);
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
