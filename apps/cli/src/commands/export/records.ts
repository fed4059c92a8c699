/** Where an exported event sits in the export's order: (timestamp, id), both ascending. */
export interface EventKey {
  ts: number;
  id: string;
}

export type ExportFormat = 'ndjson' | 'csv';

export function compareKeys(a: EventKey, b: EventKey): number {
  if (a.ts !== b.ts) return a.ts < b.ts ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Cuts the export stream into whole records, whatever the chunk boundaries: NDJSON lines, or
 * CSV records (RFC 4180: a line break inside a quoted field belongs to the record). Each record
 * keeps its line terminator, so writing them back reproduces the stream byte for byte.
 */
export class RecordSplitter {
  private carry = '';
  private scanned = 0;
  private quoted = false;

  constructor(private readonly format: ExportFormat) {}

  push(text: string): string[] {
    const buffer = this.carry + text;
    const records: string[] = [];
    let start = 0;
    if (this.format === 'ndjson') {
      for (let nl = buffer.indexOf('\n', this.scanned); nl >= 0; nl = buffer.indexOf('\n', start)) {
        records.push(buffer.slice(start, nl + 1));
        start = nl + 1;
      }
    } else {
      for (let i = this.scanned; i < buffer.length; i++) {
        const c = buffer.charCodeAt(i);
        if (c === 34 /* " */) this.quoted = !this.quoted;
        else if (c === 10 /* \n */ && !this.quoted) {
          records.push(buffer.slice(start, i + 1));
          start = i + 1;
        }
      }
    }
    this.carry = buffer.slice(start);
    this.scanned = this.carry.length;
    return records;
  }

  /** Text after the last complete record (a stream cut short leaves some). */
  get rest(): string {
    return this.carry;
  }
}

/** The (timestamp, id) of one record: NDJSON carries them as fields, CSV as its first and last columns. */
export function keyOf(format: ExportFormat, record: string): EventKey {
  if (format === 'ndjson') {
    const event = JSON.parse(record) as { ts: number; id: string };
    return { ts: event.ts, id: event.id };
  }
  const line = record.replace(/\r?\n$/, '');
  const ts = Date.parse(line.slice(0, line.indexOf(',')));
  const id = line.slice(line.lastIndexOf(',') + 1);
  if (!Number.isFinite(ts) || !id) throw new Error(`an exported CSV record without a timestamp and id: ${line.slice(0, 80)}`);
  return { ts, id };
}
