import { documentPath, fieldClass, resolveFieldName } from '@millrace/query-language';
import { InvalidValueError, type InputLocation } from '@millrace/service-kit';
import { parseTimeRange, TimeRangeError } from './time-range';

/** Parse `from`/`to` of a request into epoch milliseconds, or a 400 naming the bad one. */
export function timeRangeParam(from: string | undefined, to: string | undefined, defaultFrom: string, location: InputLocation = 'query'): { from: number; to: number } {
  try {
    return parseTimeRange(from, to, defaultFrom);
  } catch (error) {
    if (error instanceof TimeRangeError) throw new InvalidValueError({ path: error.param, location }, error.message);
    throw error;
  }
}

/** A field name as users write it (`app`, `status`, `http.status`) mapped to its document path. */
export function fieldParam(value: string | undefined, name = 'field'): { path: string; kind: string } {
  const where = { path: name, location: 'query' as const };
  if (!value) throw new InvalidValueError(where, `${name} is required`);
  const field = resolveFieldName(value);
  if (!field || value.length > 256) throw new InvalidValueError(where, `${name} "${value.slice(0, 256)}" is not a field name`);
  const kind = fieldClass(field);
  if (kind === 'text') throw new InvalidValueError(where, `${name} "${value}" is free text and cannot be aggregated; use a keyword or numeric field`);
  return { path: documentPath(field), kind };
}
