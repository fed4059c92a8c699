import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { databaseOptions, loadConfig, migrateSchema, testServiceEnv } from '@millrace/service-kit';
import { alerterConfigSchema, type AlerterConfig } from '../src/config';
import { alertDefinitionSchema, type AlertDefinition } from '../src/definitions/alert-definition';
import { compileAlert, type CompiledAlert } from '../src/definitions/compile';
import { ALERTER_MIGRATIONS } from '../src/migrations';
import type { AlertFeed } from '../src/definitions/alert-feed.service';

/**
 * Each test file works in a schema of its own on the real PostgreSQL, so alerters started by
 * other runs against the same server never see (or clean up) its rows.
 */
export async function isolatedDatabase(prefix: string): Promise<{ schema: string; open: () => Promise<DataSource>; drop: () => Promise<void>; config: AlerterConfig }> {
  const schema = `${prefix}_${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;
  const config = loadConfig(alerterConfigSchema, testServiceEnv({
    PUBLIC_QUERY_URL: 'https://logs.example', NOTIFY_RETRY_BACKOFF_MS: '200,400', NOTIFY_MAX_ATTEMPTS: '3', NOTIFY_TIMEOUT_MS: '2000',
    CHANNEL_ALLOW_PRIVATE_NETWORKS: 'true',
  }));
  const options = databaseOptions(config, { schema, entities: [], migrations: ALERTER_MIGRATIONS });
  await migrateSchema({ ...options, schema } as never);
  const opened: DataSource[] = [];
  return {
    schema,
    config,
    open: async () => {
      const ds = new DataSource({ ...options, extra: { ...(options.extra as object), max: 4 } } as never);
      await ds.initialize();
      opened.push(ds);
      return ds;
    },
    drop: async () => {
      const [first] = opened;
      if (first) await first.query(`DROP SCHEMA "${schema}" CASCADE`);
      for (const ds of opened) await ds.destroy();
    },
  };
}

let counter = 0;
export function alert(overrides: Partial<AlertDefinition> & Pick<AlertDefinition, 'kind'>): CompiledAlert {
  counter++;
  const id = `${(0x10000000 + counter * 7919 + Math.floor(Math.random() * 1e6)).toString(16).slice(0, 8)}-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  return compileAlert(alertDefinitionSchema.parse({
    tenant: 'acme', id, name: `alert ${counter}`, query: 'level:error', enabled: true, version: 1, windowSeconds: 10, ...overrides,
  }));
}

/** A stand-in for the configuration feed: the definitions the test holds. */
export function fakeFeed(alerts: CompiledAlert[]): AlertFeed {
  const find = (tenant: string, id: string) => alerts.find((a) => a.def.tenant === tenant && a.def.id === id);
  return { ready: true, find, findFresh: async (tenant: string, id: string) => find(tenant, id) } as unknown as AlertFeed;
}

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A real HTTP receiver on 127.0.0.1 that can go down and come back on the same port. */
export class Receiver {
  readonly received: Received[] = [];
  status = 200;
  private readonly answers = new Map<string, { status: number; body: string; headers: Record<string, string> }>();
  private server?: http.Server;
  port = 0;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        const answer = this.answers.get(req.url ?? '');
        if (answer) res.writeHead(answer.status, answer.headers).end(answer.body);
        else res.writeHead(this.status, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      });
    });
    this.server.keepAliveTimeout = 100;
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Answer requests to `path` this way from now on. */
  respond(path: string, status: number, body: string, headers: Record<string, string> = {}): void {
    this.answers.set(path, { status, body, headers });
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  on(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }
}

export async function until<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
