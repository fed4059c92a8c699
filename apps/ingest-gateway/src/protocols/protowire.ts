/**
 * Counts the occurrences of a nested repeated field in protobuf bytes by walking the wire
 * format, without decoding anything: the line limit is checked before the decoder allocates
 * one object per record (a few bytes each on the wire). Stops counting past `max`, and at the
 * first malformed byte (the real decoder then reports the error).
 *
 * `path` lists field numbers from the outer message inward; every field but the last must be
 * a length-delimited sub-message. E.g. OTLP records: [1 resource_logs, 2 scope_logs, 2 log_records].
 */
export function countNestedField(buf: Uint8Array, path: readonly number[], max: number): number {
  return walk(buf, 0, buf.length, path, 0, max);
}

function walk(buf: Uint8Array, start: number, end: number, path: readonly number[], depth: number, max: number): number {
  let pos = start;
  let count = 0;
  while (pos < end && count <= max) {
    const tag = varint(buf, pos, end);
    if (tag === undefined) return count;
    pos = tag.next;
    const field = Math.floor(tag.value / 8);
    switch (tag.value % 8) {
      case 0: {
        const v = varint(buf, pos, end);
        if (v === undefined) return count;
        pos = v.next;
        break;
      }
      case 1:
        pos += 8;
        break;
      case 2: {
        const len = varint(buf, pos, end);
        if (len === undefined || len.next + len.value > end) return count;
        pos = len.next;
        if (field === path[depth]) {
          count += depth === path.length - 1 ? 1 : walk(buf, pos, pos + len.value, path, depth + 1, max - count);
        }
        pos += len.value;
        break;
      }
      case 5:
        pos += 4;
        break;
      default:
        return count; // groups (3, 4) and invalid wire types: leave them to the decoder
    }
  }
  return count;
}

function varint(buf: Uint8Array, pos: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  for (let i = 0; i < 10 && pos < end; i++, pos++) {
    const b = buf[pos];
    value += (b & 0x7f) * 2 ** (7 * i);
    if (b < 0x80) return { value, next: pos + 1 };
  }
  return undefined;
}
