import { OutboundPolicy } from './policy';

/**
 * Every kind of outbound target and the setting that lets it reach non-public addresses. Each
 * defaults to off in every service's configuration; only the local profiles (`npm start`, the
 * tests) turn them on. Metadata and link-local addresses stay refused either way.
 */
export const OUTBOUND_PURPOSES = {
  drains: { purpose: 'drains', setting: 'DRAINS_ALLOW_PRIVATE_TARGETS' },
  channels: { purpose: 'alert channels', setting: 'CHANNEL_ALLOW_PRIVATE_NETWORKS' },
  archives: { purpose: 'archive endpoints', setting: 'ARCHIVE_ALLOW_PRIVATE_ENDPOINTS' },
} as const;

export type OutboundPurpose = keyof typeof OUTBOUND_PURPOSES;

/** The policy for one purpose, from a service's validated configuration (its boolean setting). */
export function outboundPolicy(purpose: OutboundPurpose, config: object, override?: { allowPrivate: boolean }): OutboundPolicy {
  const spec = OUTBOUND_PURPOSES[purpose];
  const allowPrivate = override?.allowPrivate ?? (config as Record<string, unknown>)[spec.setting] === true;
  return new OutboundPolicy({ purpose: spec.purpose, setting: spec.setting, allowPrivate });
}
