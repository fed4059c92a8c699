import { BadRequestException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { PARSER_SUBJECTS, type LogEvent } from '@millrace/log-schema';
import { NATS_CONNECTION, type NatsConnection } from '@millrace/messaging';

export interface DryRunReply {
  ok: boolean;
  error?: string;
  events?: LogEvent[];
  matched?: number;
  timedOut?: boolean;
  redactions?: Record<string, number>;
}

/**
 * Asks the parser-worker itself to compile and try rules and redaction settings, so what the
 * API accepts is exactly what the workers can run (RE2 syntax, grok names, field types).
 */
@Injectable()
export class ParserClient {
  constructor(@Inject(NATS_CONNECTION) private readonly nc: NatsConnection) {}

  async dryRun(request: { tenant: string; rule?: unknown; redaction?: unknown; lines?: unknown[] }): Promise<DryRunReply> {
    let reply: DryRunReply;
    try {
      const msg = await this.nc.request(PARSER_SUBJECTS.dryRun, new TextEncoder().encode(JSON.stringify(request)), { timeout: 5000 });
      reply = JSON.parse(new TextDecoder().decode(msg.data)) as DryRunReply;
    } catch {
      throw new ServiceUnavailableException({ message: 'the parser cannot check rules right now; retry later', retryAfterSeconds: 5 });
    }
    if (!reply.ok) throw new BadRequestException(reply.error ?? 'the rule does not compile');
    return reply;
  }
}
