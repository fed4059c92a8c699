import { inRange, localTime, scheduleBlocks } from './schedule';
import { firingSuppression, sendResolve } from './throttle';

describe('schedules and quiet hours', () => {
  // Wednesday 2025-01-15 12:30 UTC.
  const wedNoonUtc = Date.UTC(2025, 0, 15, 12, 30);

  it('reads the local day and time in a time zone', () => {
    expect(localTime(wedNoonUtc, 'UTC')).toEqual({ day: 'wed', minute: 12 * 60 + 30 });
    expect(localTime(wedNoonUtc, 'Asia/Tokyo')).toEqual({ day: 'wed', minute: 21 * 60 + 30 });
    expect(localTime(wedNoonUtc, 'America/Los_Angeles')).toEqual({ day: 'wed', minute: 4 * 60 + 30 });
    expect(localTime(Date.UTC(2025, 0, 15, 23, 0), 'Pacific/Auckland')).toEqual({ day: 'thu', minute: 12 * 60 });
  });

  it('follows daylight saving time', () => {
    // Paris: UTC+1 in winter, UTC+2 in summer.
    expect(localTime(Date.UTC(2025, 0, 10, 21, 30), 'Europe/Paris').minute).toBe(22 * 60 + 30);
    expect(localTime(Date.UTC(2025, 6, 10, 21, 30), 'Europe/Paris').minute).toBe(23 * 60 + 30);
    const quiet = { timezone: 'Europe/Paris', quiet: [{ from: '23:00', to: '07:00' }] };
    expect(scheduleBlocks(quiet, Date.UTC(2025, 0, 10, 21, 30))).toBeUndefined();
    expect(scheduleBlocks(quiet, Date.UTC(2025, 6, 10, 21, 30))).toBe('quiet hours');
  });

  it('handles ranges that cross midnight, by the day they start on', () => {
    const fridayNights = { days: ['fri' as const], from: '22:00', to: '07:00' };
    expect(inRange(fridayNights, { day: 'fri', minute: 23 * 60 })).toBe(true);
    expect(inRange(fridayNights, { day: 'sat', minute: 3 * 60 })).toBe(true);
    expect(inRange(fridayNights, { day: 'sat', minute: 7 * 60 })).toBe(false);
    expect(inRange(fridayNights, { day: 'thu', minute: 23 * 60 })).toBe(false);
    expect(inRange(fridayNights, { day: 'fri', minute: 3 * 60 })).toBe(false);
  });

  it('notifies only inside active periods when some are given', () => {
    const office = { timezone: 'Europe/London', active: [{ days: ['mon' as const, 'tue' as const, 'wed' as const, 'thu' as const, 'fri' as const], from: '09:00', to: '18:00' }] };
    expect(scheduleBlocks(office, wedNoonUtc)).toBeUndefined();
    expect(scheduleBlocks(office, Date.UTC(2025, 0, 15, 19, 0))).toBe('outside schedule');
    expect(scheduleBlocks(office, Date.UTC(2025, 0, 18, 12, 0))).toBe('outside schedule'); // Saturday
  });

  it('treats equal from and to as the whole day', () => {
    expect(scheduleBlocks({ timezone: 'UTC', quiet: [{ days: ['wed'], from: '00:00', to: '00:00' }] }, wedNoonUtc)).toBe('quiet hours');
  });
});

describe('throttle, mute and resolves', () => {
  const base = { now: 1_000_000, mutedUntil: null, throttleMs: 60_000, lastNotifiedAt: null };

  it('lets the first notification through and throttles the next ones for the period', () => {
    expect(firingSuppression(base)).toBeUndefined();
    expect(firingSuppression({ ...base, lastNotifiedAt: base.now - 59_999 })).toBe('throttled');
    expect(firingSuppression({ ...base, lastNotifiedAt: base.now - 60_000 })).toBeUndefined();
    expect(firingSuppression({ ...base, throttleMs: 0, lastNotifiedAt: base.now - 1 })).toBeUndefined();
  });

  it('mutes until the given time, and then no longer', () => {
    expect(firingSuppression({ ...base, mutedUntil: base.now + 1 })).toBe('muted');
    expect(firingSuppression({ ...base, mutedUntil: base.now })).toBeUndefined();
  });

  it('holds notifications in quiet hours', () => {
    expect(firingSuppression({ ...base, scheduleBlock: 'quiet hours' })).toBe('quiet hours');
  });

  it('resolves only what was announced', () => {
    expect(sendResolve(true, true)).toBe(true);
    expect(sendResolve(false, true)).toBe(false);
    expect(sendResolve(true, false)).toBe(false);
  });
});
