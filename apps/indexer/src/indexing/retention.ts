import type { Client } from '@opensearch-project/opensearch';
import { INDEX_PREFIX, RETENTION_CLASSES, parseEventIndexName, type RetentionClass } from '@millrace/search-index';

const DAY_MS = 86_400_000;

/**
 * An index of a class keeping N days holds one UTC day; it expires once that whole day is more
 * than N days old. Expiry deletes the whole index: never a delete-by-query over shared data.
 */
export function isExpired(indexName: string, now: number): boolean {
  const parsed = parseEventIndexName(indexName);
  if (!parsed) return false;
  const days = RETENTION_CLASSES[parsed.retention];
  return parsed.dayStart + (days + 1) * DAY_MS <= now;
}

/** Delete every expired events index. Returns the names deleted. Idempotent across replicas. */
export async function sweepExpiredIndices(client: Client, now = Date.now()): Promise<string[]> {
  let names: string[];
  try {
    const { body } = await client.cat.indices({ index: `${INDEX_PREFIX}-*`, format: 'json', h: 'index' } as never);
    names = (body as unknown as Array<{ index: string }>).map((i) => i.index);
  } catch (error) {
    if ((error as { meta?: { statusCode?: number } }).meta?.statusCode === 404) return [];
    throw error;
  }
  const expired = names.filter((name) => isExpired(name, now));
  for (const index of expired) {
    await client.indices.delete({ index }).catch((error: { meta?: { statusCode?: number } }) => {
      if (error.meta?.statusCode !== 404) throw error;
    });
  }
  return expired;
}

/** Index State Management policy deleting a class's indices once their day is past retention. */
export function ismPolicy(retention: RetentionClass) {
  return {
    policy: {
      description: `Millrace: delete ${retention} event indices after ${RETENTION_CLASSES[retention]} days`,
      default_state: 'hot',
      states: [
        { name: 'hot', actions: [], transitions: [{ state_name: 'delete', conditions: { min_index_age: `${RETENTION_CLASSES[retention] + 1}d` } }] },
        { name: 'delete', actions: [{ delete: {} }], transitions: [] },
      ],
      ism_template: [{ index_patterns: [`${INDEX_PREFIX}-${retention}-*`], priority: 100 }],
    },
  };
}

/** Whether the cluster has the Index State Management plugin. */
export async function hasIsm(client: Client): Promise<boolean> {
  try {
    const { body } = await client.cat.plugins({ format: 'json' } as never);
    return (body as unknown as Array<{ component: string }>).some((p) => p.component === 'opensearch-index-management');
  } catch {
    return false;
  }
}

/** Install (or update) one ISM policy per retention class. */
export async function installIsmPolicies(client: Client): Promise<void> {
  for (const retention of Object.keys(RETENTION_CLASSES) as RetentionClass[]) {
    await client.transport.request({ method: 'PUT', path: `/_plugins/_ism/policies/millrace-${retention}`, body: ismPolicy(retention) }).catch(async (error: { meta?: { statusCode?: number } }) => {
      // 409: it exists; updating needs its sequence numbers, so replace it.
      if (error.meta?.statusCode !== 409) throw error;
      await client.transport.request({ method: 'DELETE', path: `/_plugins/_ism/policies/millrace-${retention}` });
      await client.transport.request({ method: 'PUT', path: `/_plugins/_ism/policies/millrace-${retention}`, body: ismPolicy(retention) });
    });
  }
}
