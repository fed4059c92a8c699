import type { Client } from '@opensearch-project/opensearch';
import { EVENTS_TEMPLATE, eventsIndexTemplate } from '@millrace/search-index';

/** Install or update the events index template. Idempotent; retried while OpenSearch starts. */
export async function ensureTemplates(client: Client, options: { shards: number; replicas: number }, attempts = 30): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await client.indices.putIndexTemplate({ name: EVENTS_TEMPLATE, body: eventsIndexTemplate(options) as never });
      return;
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * attempt)));
    }
  }
}
