/**
 * Snappy block decompression (the raw format, without framing: what Loki's protobuf push
 * body uses), written here because snappyjs 0.7 can be sent into a practically endless loop
 * by a 7-byte input (a negative literal length moves its read position backwards).
 *
 * Every length and offset is checked before use; the output is allocated once, from the
 * preamble, and refused beyond `maxBytes`. Linear in input + output.
 */
export class SnappyError extends Error {
  override readonly name = 'SnappyError';

  constructor(message: string, readonly tooLarge = false) {
    super(message);
  }
}

export function snappyUncompress(input: Uint8Array, maxBytes: number): Buffer {
  let pos = 0;
  // Preamble: the uncompressed length as a little-endian varint of at most 32 bits.
  let total = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= input.length || shift > 28) throw new SnappyError('bad length preamble');
    const b = input[pos++];
    total += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (total > 0xffffffff) throw new SnappyError('bad length preamble');
  if (total > maxBytes) throw new SnappyError(`inflates to ${total} bytes, more than ${maxBytes}`, true);

  const out = Buffer.allocUnsafe(total);
  let outPos = 0;
  while (pos < input.length) {
    const tag = input[pos++];
    const type = tag & 3;
    if (type === 0) {
      let len = tag >>> 2;
      if (len >= 60) {
        const extra = len - 59; // 1..4 bytes of length
        if (pos + extra > input.length) throw new SnappyError('truncated literal length');
        len = 0;
        for (let i = 0; i < extra; i++) len += input[pos + i] * 2 ** (8 * i);
        pos += extra;
      }
      len += 1;
      if (pos + len > input.length) throw new SnappyError('literal runs past the input');
      if (outPos + len > total) throw new SnappyError('output longer than its preamble');
      out.set(input.subarray(pos, pos + len), outPos);
      pos += len;
      outPos += len;
      continue;
    }
    let len: number;
    let offset: number;
    if (type === 1) {
      if (pos + 1 > input.length) throw new SnappyError('truncated copy');
      len = ((tag >>> 2) & 7) + 4;
      offset = ((tag >>> 5) << 8) | input[pos];
      pos += 1;
    } else if (type === 2) {
      if (pos + 2 > input.length) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos] | (input[pos + 1] << 8);
      pos += 2;
    } else {
      if (pos + 4 > input.length) throw new SnappyError('truncated copy');
      len = (tag >>> 2) + 1;
      offset = input[pos] + input[pos + 1] * 0x100 + input[pos + 2] * 0x10000 + input[pos + 3] * 0x1000000;
      pos += 4;
    }
    if (offset === 0 || offset > outPos) throw new SnappyError(`copy offset ${offset} outside the output`);
    if (outPos + len > total) throw new SnappyError('output longer than its preamble');
    // Byte by byte: source and destination may overlap (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, outPos++) out[outPos] = out[outPos - offset];
  }
  if (outPos !== total) throw new SnappyError(`output is ${outPos} bytes, the preamble says ${total}`);
  return out;
}
