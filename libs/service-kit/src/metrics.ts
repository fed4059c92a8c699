import { Controller, Get, Header, Module } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { performance } from 'node:perf_hooks';
import { collectDefaultMetrics, Gauge, register } from 'prom-client';
import { z } from 'zod';
import { ApiTag, Endpoint } from './openapi/endpoint';
import { PublicRoute } from './public-route';

let defaultsCollected = false;

@PublicRoute()
@ApiExcludeController()
@ApiTag('health')
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', register.contentType)
  @Endpoint({
    summary: 'Prometheus metrics (text exposition format): requests, drops, queue depths, process figures',
    responses: { 200: { description: 'Metrics', content: { 'text/plain': { schema: z.string(), example: '# HELP millrace_process_cpu_seconds_total …' } } } },
  })
  async metrics(): Promise<string> {
    return register.metrics();
  }
}

/** `/metrics` in Prometheus text format, with the process' default metrics. */
@Module({ controllers: [MetricsController] })
export class MetricsModule {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics({ prefix: 'millrace_' });
      eventLoopTime();
      defaultsCollected = true;
    }
  }
}

/**
 * Cumulative event-loop busy and idle time since start: the difference between two scrapes
 * gives the event-loop utilisation over any interval (benchmarks and dashboards both use it).
 */
function eventLoopTime(): void {
  new Gauge({
    name: 'millrace_event_loop_active_seconds',
    help: 'Time the event loop spent running JavaScript or native callbacks since start',
    collect() {
      this.set(performance.eventLoopUtilization().active / 1000);
    },
  });
  new Gauge({
    name: 'millrace_event_loop_idle_seconds',
    help: 'Time the event loop spent waiting for I/O (acks, fetches, requests) since start',
    collect() {
      this.set(performance.eventLoopUtilization().idle / 1000);
    },
  });
}
