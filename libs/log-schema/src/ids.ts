import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

/** Batch ids are ULIDs: time-sortable, unique across gateways, safe in subjects and URLs. */
export function newBatchId(now: number = Date.now()): string {
  return nextUlid(now);
}

/**
 * Event id = batch id + line index. It travels with the event forever, so a redelivered
 * batch rewrites the same OpenSearch document instead of adding a duplicate.
 */
export function eventId(batchId: string, lineIndex: number): string {
  return `${batchId}-${lineIndex.toString().padStart(4, '0')}`;
}

/** Tenants are subject tokens: no dots, wildcards or white space. */
export const TENANT_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isTenantId(value: string): boolean {
  return TENANT_ID_PATTERN.test(value);
}
