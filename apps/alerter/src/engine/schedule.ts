import { WEEKDAYS, type Schedule, type TimeRange, type Weekday } from '../definitions/alert-definition';

/** Local weekday and minute of the day of an instant in a time zone (Intl, so DST is right). */
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

export function localTime(instant: number, timeZone: string): { day: Weekday; minute: number } {
  const parts = formatter(timeZone).formatToParts(new Date(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = get('weekday').toLowerCase().slice(0, 3) as Weekday;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinute = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
const previousDay = (day: Weekday): Weekday => WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7];

/**
 * Whether a local time falls in a range. `from` > `to` crosses midnight (22:00–07:00): the
 * `days` name the day the range starts on, so Friday 22:00–07:00 covers Saturday 03:00.
 * `from` = `to` is the whole day.
 */
export function inRange(range: TimeRange, local: { day: Weekday; minute: number }): boolean {
  const from = toMinute(range.from);
  const to = toMinute(range.to);
  const onDay = (d: Weekday) => !range.days || range.days.length === 0 || range.days.includes(d);
  if (from === to) return onDay(local.day);
  if (from < to) return onDay(local.day) && local.minute >= from && local.minute < to;
  // Crosses midnight: the evening part belongs to today, the morning part to yesterday's range.
  if (local.minute >= from) return onDay(local.day);
  if (local.minute < to) return onDay(previousDay(local.day));
  return false;
}

/** Why a notification may not go out now because of the alert's schedule, or undefined. */
export function scheduleBlocks(schedule: Schedule | undefined, instant: number): 'quiet hours' | 'outside schedule' | undefined {
  if (!schedule) return undefined;
  const local = localTime(instant, schedule.timezone);
  if (schedule.quiet?.some((r) => inRange(r, local))) return 'quiet hours';
  if (schedule.active && schedule.active.length > 0 && !schedule.active.some((r) => inRange(r, local))) return 'outside schedule';
  return undefined;
}
