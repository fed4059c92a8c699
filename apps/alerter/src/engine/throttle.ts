/**
 * What happens to a notification when an alert (or one of its groups) starts firing.
 * Resolves are never throttled or held: they close what was announced, and only what was.
 */
export type Suppression = 'muted' | 'quiet hours' | 'outside schedule' | 'throttled';

export interface NoiseInput {
  now: number;
  /** Epoch ms until which the alert is muted, or null. */
  mutedUntil: number | null;
  /** From `scheduleBlocks`. */
  scheduleBlock?: 'quiet hours' | 'outside schedule';
  throttleMs: number;
  /** When the alert last sent a firing notification (any group), or null. */
  lastNotifiedAt: number | null;
}

export function firingSuppression(input: NoiseInput): Suppression | undefined {
  if (input.mutedUntil !== null && input.mutedUntil > input.now) return 'muted';
  if (input.scheduleBlock) return input.scheduleBlock;
  if (input.throttleMs > 0 && input.lastNotifiedAt !== null && input.now - input.lastNotifiedAt < input.throttleMs) return 'throttled';
  return undefined;
}

/** A resolve is sent only when its firing was, and the alert wants resolves. */
export function sendResolve(notifiedFiring: boolean, notifyOnResolve: boolean): boolean {
  return notifiedFiring && notifyOnResolve;
}
