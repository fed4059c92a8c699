import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Msg, Subscription } from '@nats-io/transport-node';
import type { Client } from '@opensearch-project/opensearch';
import { z } from 'zod';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';
import { OPENSEARCH_CLIENT } from '@millrace/service-kit';
import { alertDefinitionSchema } from '../definitions/alert-definition';
import { compileAlert } from '../definitions/compile';
import { dryRun } from '../scheduled/opensearch-queries';
import { AlertStore } from '../store/alert-store';
import { ALERTER_SUBJECTS } from './subjects';

const historyRequest = z.object({ tenant: z.string().min(1), alertId: z.string().uuid(), limit: z.number().int().min(1).max(1000).default(100) });
const testRequest = z.object({ tenant: z.string().min(1), alert: z.unknown(), from: z.number(), to: z.number() });

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Answers the query-api: an alert's history, and dry runs. Always within the asking tenant. */
@Injectable()
export class AlerterRpc {
  private readonly logger = new Logger('AlerterRpc');
  private readonly subscriptions: Subscription[] = [];

  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    @Inject(OPENSEARCH_CLIENT) private readonly client: Client,
    private readonly store: AlertStore,
  ) {}

  start(): void {
    this.serve(ALERTER_SUBJECTS.history, async (data) => {
      const r = historyRequest.parse(data);
      return this.store.history(r.tenant, r.alertId, r.limit);
    });
    this.serve(ALERTER_SUBJECTS.test, async (data) => {
      const r = testRequest.parse(data);
      const def = alertDefinitionSchema.parse(r.alert);
      // The tenant of the request, never one named inside the definition.
      return dryRun(this.client, compileAlert({ ...def, tenant: r.tenant, channels: [] }), r.from, r.to);
    });
  }

  stop(): void {
    for (const s of this.subscriptions) s.unsubscribe();
  }

  private serve(subject: string, handler: (data: unknown) => Promise<unknown>): void {
    this.subscriptions.push(this.nc.subscribe(subject, {
      queue: 'alerter',
      callback: (error, msg: Msg) => {
        if (error) return;
        void (async () => {
          let reply: unknown;
          try {
            reply = { ok: true, result: await handler(JSON.parse(decoder.decode(msg.data))) };
          } catch (e) {
            const status = e instanceof z.ZodError ? 400 : (e as { status?: number }).status ?? 500;
            if (status >= 500) this.logger.warn(`${subject} failed: ${(e as Error).message}`);
            reply = { ok: false, status, message: e instanceof z.ZodError ? `${e.issues[0].path.join('.')}: ${e.issues[0].message}` : status >= 500 ? 'the alerter could not answer' : (e as Error).message };
          }
          msg.respond(encoder.encode(JSON.stringify(reply)));
        })().catch(() => undefined);
      },
    }));
  }
}
