import { BadRequestException } from '@nestjs/common';
import { documentPath, fieldClass, resolveFieldName } from '@millrace/query-language';
import { parseTimeRange, TimeRangeError } from './time-range';

/** Parse `from`/`to` of a request into epoch milliseconds, or a 400 naming the bad one. */
export function timeRangeParam(from: string | undefined, to: string | undefined, defaultFrom: string): { from: number; to: number } {
  try {
    return parseTimeRange(from, to, defaultFrom);
  } catch (error) {
    if (error instanceof TimeRangeError) throw new BadRequestException(error.message);
    throw error;
  }
}

/** An integer query parameter within bounds, or a 400 that says which and why. */
export function intParam(value: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new BadRequestException(`${name} must be an integer from ${min} to ${max}`);
  return n;
}

/** A field name as users write it (`app`, `status`, `http.status`) mapped to its document path. */
export function fieldParam(value: string | undefined, name = 'field'): { path: string; kind: string } {
  if (!value) throw new BadRequestException(`${name} is required`);
  const field = resolveFieldName(value);
  if (!field || value.length > 256) throw new BadRequestException(`${name} "${value}" is not a field name`);
  const kind = fieldClass(field);
  if (kind === 'text') throw new BadRequestException(`${name} "${value}" is free text and cannot be aggregated; use a keyword or numeric field`);
  return { path: documentPath(field), kind };
}
