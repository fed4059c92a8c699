import { Option } from 'commander';
import yaml from 'js-yaml';
import type { IOStreams } from '../io/streams';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** `-o, --output table|json|yaml`, for every command that prints records. */
export function outputOption(): Option {
  return new Option('-o, --output <format>', 'how to print the result').choices(OUTPUT_FORMATS).default('table');
}

export interface Column<T> {
  header: string;
  value(row: T): unknown;
}

export function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(cell).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** Aligned columns under an upper-case header; on a terminal the last column is cut to fit. */
export function table<T>(io: IOStreams, rows: T[], columns: Column<T>[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row))));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const width = io.stdoutIsTTY ? io.stdout.columns : undefined;
  const line = (values: string[], style: (s: string) => string = (s) => s) => {
    let text = values.map((v, i) => (i === values.length - 1 ? v : v.padEnd(widths[i]))).join('  ');
    if (width && text.length > width) text = `${text.slice(0, Math.max(0, width - 1))}…`;
    return `${style(text)}\n`;
  };
  return line(columns.map((c) => c.header.toUpperCase()), io.color.bold) + cells.map((r) => line(r)).join('');
}

export function serialise(format: 'json' | 'yaml', value: unknown): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : yaml.dump(value, { noRefs: true, lineWidth: 120 });
}

/** A list: a table of the given columns, or every field as JSON or YAML. */
export function printList<T>(io: IOStreams, format: OutputFormat, rows: T[], columns: Column<T>[], empty = 'nothing to show'): void {
  if (format !== 'table') {
    io.stdout.write(serialise(format, rows));
    return;
  }
  if (rows.length === 0) {
    io.stderr.write(`${empty}\n`);
    return;
  }
  io.stdout.write(table(io, rows, columns));
}

/** One record: `field  value` lines, or JSON or YAML. */
export function printRecord(io: IOStreams, format: OutputFormat, record: object): void {
  if (format !== 'table') {
    io.stdout.write(serialise(format, record));
    return;
  }
  const entries = Object.entries(record).filter(([, v]) => v !== undefined);
  const width = Math.max(0, ...entries.map(([k]) => k.length));
  io.stdout.write(entries.map(([k, v]) => `${io.color.bold(k.padEnd(width))}  ${cell(v)}\n`).join(''));
}
