import { Controller, Get, Injectable } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { PublicRoute, type ReadinessCheck } from '@millrace/service-kit';
import { ArchiveConsumer } from '../archive/archive.consumer';
import type { DestinationStatusView } from '@millrace/archive-contract';
import { Destinations } from '../archive/destinations';

/**
 * Readiness: the archive consumer runs (the configuration loaded, the durable consumer pulls).
 * A failing destination does not make the archiver unready: its lines are held back safely in
 * EVENTS, one tenant's broken bucket must not mark the service down for every tenant, and an
 * unready pod would only block rollouts. It is reported on `/health/archive` and in
 * `millrace_archive_upload_failures_total` / `millrace_archive_destinations_failing` instead.
 */
@Injectable()
export class ArchiveReadiness implements ReadinessCheck {
  readonly name = 'archive';
  constructor(private readonly consumer: ArchiveConsumer) {}

  async check(): Promise<void> {
    const state = this.consumer.state;
    if (!state.running) throw new Error(state.reason ?? 'the archive consumer is not running');
  }
}

export interface ArchiveHealth {
  status: 'ok' | 'degraded' | 'starting';
  consumer: { running: boolean; reason?: string };
  failingDestinations: DestinationStatusView[];
}

@PublicRoute()
@ApiTags('health')
@Controller('health/archive')
export class ArchiveHealthController {
  constructor(
    private readonly consumer: ArchiveConsumer,
    private readonly destinations: Destinations,
  ) {}

  /** Always 200: `degraded` names the destinations whose uploads fail (their lines wait in EVENTS). */
  @Get()
  health(): ArchiveHealth {
    const consumer = this.consumer.state;
    const failingDestinations = this.destinations.failing();
    return {
      status: !consumer.running ? 'starting' : failingDestinations.length ? 'degraded' : 'ok',
      consumer,
      failingDestinations,
    };
  }
}
