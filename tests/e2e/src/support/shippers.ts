// Shared by the shipper compatibility tests: a platform and organisation per file, and search
// by query until the expected events are indexed.
import type { LogEvent } from '@millrace/log-schema';
import { eventually, request } from './http';
import { startPlatform, uniqueOrg, type OrgKeys, type Platform } from './platform';

export interface ShipperRun {
  platform: Platform;
  org: OrgKeys;
  /** Events matching `q` once there are at least `count` of them (30 s at most). */
  found(q: string, count?: number, diagnostics?: () => string): Promise<LogEvent[]>;
  /** How many events match `q` now. */
  count(q: string): Promise<number>;
}

export async function startShipperRun(prefix: string): Promise<ShipperRun> {
  const platform = await startPlatform();
  const org = platform.createOrg(uniqueOrg(prefix));
  const search = async (q: string): Promise<LogEvent[]> => {
    const reply = await request<{ events: LogEvent[] }>('GET', `${platform.urls.query}/v1/search?q=${encodeURIComponent(q)}&limit=1000&from=-3h`, { key: org.readKey });
    if (reply.status !== 200) throw new Error(`search ${q} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
    return reply.body.events;
  };
  return {
    platform,
    org,
    async found(q, count = 1, diagnostics) {
      try {
        return await eventually(async () => {
          const events = await search(q);
          return events.length >= count ? events : undefined;
        }, 30000, 300);
      } catch (error) {
        throw new Error(`${(error as Error).message}${diagnostics ? `\n${diagnostics()}` : ''}`);
      }
    },
    count: async (q) => (await search(q)).length,
  };
}

/** Within a minute of now: for clients that stamp their own time and cannot be given one. */
export function recent(ts: number): boolean {
  return Math.abs(Date.now() - ts) < 60_000;
}
