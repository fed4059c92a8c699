import type { LogEvent } from '@millrace/log-schema';

export const EXPORT_FORMATS = ['ndjson', 'csv'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CSV_COLUMNS = ['timestamp', 'app', 'host', 'level', 'message', 'tags', 'fields', 'id'];

/** RFC 4180: quote a field when it holds a comma, quote or line break; double inner quotes. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRow(event: LogEvent): string {
  return [
    new Date(event.ts).toISOString(), event.app, event.host, event.level ?? '', event.message,
    event.tags.join(' '), Object.keys(event.fields).length ? JSON.stringify(event.fields) : '', event.id,
  ].map(csvField).join(',') + '\r\n';
}

export function ndjsonRow(event: LogEvent): string {
  return `${JSON.stringify(event)}\n`;
}

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};
