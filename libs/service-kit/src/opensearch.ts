import { Inject, Injectable, Module, type DynamicModule } from '@nestjs/common';
import { Client } from '@opensearch-project/opensearch';
import { readFileSync } from 'node:fs';
import type { OpenSearchConfig } from './config';
import type { ReadinessCheck } from './health';

export const OPENSEARCH_CLIENT = Symbol('OPENSEARCH_CLIENT');

/** The node URLs of OPENSEARCH_URL (one, or a comma-separated list). */
export function openSearchNodes(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

export function createOpenSearchClient(config: OpenSearchConfig): Client {
  return new Client({
    // Several nodes: requests are spread over them and a dead one is skipped until it answers again.
    node: openSearchNodes(config.OPENSEARCH_URL),
    auth: config.OPENSEARCH_USERNAME ? { username: config.OPENSEARCH_USERNAME, password: config.OPENSEARCH_PASSWORD ?? '' } : undefined,
    ssl: config.OPENSEARCH_TLS_CA_FILE ? { ca: readFileSync(config.OPENSEARCH_TLS_CA_FILE) } : undefined,
    maxRetries: 2,
    requestTimeout: 30000,
    // Off by default: inside a cluster the network is rarely the limit, the CPU usually is.
    compression: config.OPENSEARCH_COMPRESSION ? 'gzip' : undefined,
  });
}

@Injectable()
export class OpenSearchReadiness implements ReadinessCheck {
  readonly name = 'opensearch';
  constructor(@Inject(OPENSEARCH_CLIENT) private readonly client: Client) {}

  async check(): Promise<void> {
    const { body } = await this.client.cluster.health({ timeout: '2s' });
    if (body.status === 'red') throw new Error('cluster status is red');
  }
}

@Module({})
export class OpenSearchModule {
  static forRoot(config: OpenSearchConfig): DynamicModule {
    return {
      module: OpenSearchModule,
      global: true,
      providers: [
        { provide: OPENSEARCH_CLIENT, useFactory: () => createOpenSearchClient(config) },
        OpenSearchReadiness,
      ],
      exports: [OPENSEARCH_CLIENT, OpenSearchReadiness],
    };
  }
}
